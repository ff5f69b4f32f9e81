using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;

namespace Bourse.Tests.Solana;

public sealed class SolanaPrimitivesTests
{
    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7f })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16383, new byte[] { 0xff, 0x7f })]
    [InlineData(16384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(65535, new byte[] { 0xff, 0xff, 0x03 })]
    public void ShortVec_Edges_EncodeAndDecode(int value, byte[] expected)
    {
        var buffer = new byte[3];

        var written = ShortVec.Write(buffer, value);

        Assert.Equal(expected, buffer[..written]);
        Assert.Equal(value, ShortVec.Read(expected, out var consumed));
        Assert.Equal(expected.Length, consumed);
    }

    [Fact]
    public void ShortVec_Truncated_IsAFormatError() =>
        Assert.Throws<FormatException>(() => ShortVec.Read([0x80], out _));

    [Fact]
    public void Keypair_FileFormatRoundTrip_SameKeyAndSignatures()
    {
        using var original = Keypair.Generate();
        var json = "[" + string.Join(',', original.ExportSecretKey()) + "]";

        using var restored = Keypair.FromJson(json);

        Assert.Equal(original.PublicKey, restored.PublicKey);
        Assert.Equal(original.Sign("hello"u8), restored.Sign("hello"u8));
    }

    [Fact]
    public void Keypair_MismatchedPublicHalf_IsRejected()
    {
        using var keypair = Keypair.Generate();
        var secret = keypair.ExportSecretKey();
        secret[40] ^= 1;

        Assert.Throws<ArgumentException>(() => Keypair.FromSecretKey(secret));
    }

    [Fact]
    public void VerifySignatures_TamperedMessageOrMissingSigner_Fails()
    {
        using var payer = Keypair.Generate();
        using var other = Keypair.Generate();
        var transaction = new Transaction(Message.Compile(payer.PublicKey, PublicKey.Default.ToString(), [TokenProgram.Burn(PublicKey.Default, PublicKey.Default, other.PublicKey, 1)]));

        transaction.Sign(payer);

        Assert.False(transaction.VerifySignatures());
        Assert.True(transaction.VerifySignatures(requireAll: false));
        var bytes = transaction.Sign(other).Serialize();
        bytes[^1] ^= 1;
        Assert.False(Transaction.Deserialize(bytes).VerifySignatures());
    }

    [Fact]
    public void Serialize_OverTheSizeLimit_ThrowsBeforeSending()
    {
        using var payer = Keypair.Generate();
        var memo = MemoProgram.Memo(new string('x', 1_200));
        var transaction = new Transaction(Message.Compile(payer.PublicKey, PublicKey.Default.ToString(), [memo])).Sign(payer);

        Assert.True(transaction.Size > Transaction.MaxSize);
        Assert.Throws<InvalidOperationException>(transaction.Serialize);
    }

    [Fact]
    public void FindProgramAddress_TooManyOrTooLongSeeds_Throws()
    {
        Assert.Throws<ArgumentException>(() => PublicKey.FindProgramAddress([new byte[33]], ProgramIds.Token));
        Assert.Throws<ArgumentException>(() => PublicKey.FindProgramAddress([.. Enumerable.Range(0, 16).Select(_ => new byte[1])], ProgramIds.Token));
    }

    [Fact]
    public void PublicKey_TryParse_RejectsWrongLengthAndAlphabet()
    {
        Assert.False(PublicKey.TryParse("1111", out _));
        Assert.False(PublicKey.TryParse("0OIl" + new string('1', 40), out _));
        Assert.True(PublicKey.TryParse(ProgramIds.Token.ToString(), out var token));
        Assert.Equal(ProgramIds.Token, token);
    }

    [Fact]
    public void Decoders_ShortData_AreFormatErrors()
    {
        Assert.Throws<FormatException>(() => MintAccount.Deserialize(new byte[81]));
        Assert.Throws<FormatException>(() => TokenAccount.Deserialize(new byte[164]));
        Assert.Throws<FormatException>(() => TransferFeeConfig.Deserialize(new byte[107]));
    }

    [Theory]
    [InlineData(1_000_000UL, 50, 5_000UL, 5_000UL)]
    [InlineData(1UL, 50, 5_000UL, 1UL)]
    [InlineData(0UL, 50, 5_000UL, 0UL)]
    [InlineData(100_000_000_000UL, 50, 5_000UL, 5_000UL)]
    public void FeeFor_RoundsUpAndCaps(ulong amount, ushort bps, ulong max, ulong expected) =>
        Assert.Equal(expected, TransferFeeExtension.FeeFor(amount, bps, max));
}
