using System.Security.Cryptography;
using Bourse.Settlement;
using Bourse.Solana;
using SimpleBase;

namespace Bourse.Tests.Settlement;

public sealed class TreasuryOptionsTests
{
    [Fact]
    public void ParseKeypair_SolanaFileFormAndBase58_GiveTheSameKey()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var expected = Keypair.FromSeed(seed);
        byte[] secret = [.. seed, .. expected.PublicKey.Bytes];

        using var fromJson = TreasuryOptions.ParseKeypair("[" + string.Join(',', secret) + "]");
        using var fromBase58 = TreasuryOptions.ParseKeypair(Base58.Bitcoin.Encode(secret));

        Assert.Equal(expected.PublicKey, fromJson!.PublicKey);
        Assert.Equal(expected.PublicKey, fromBase58!.PublicKey);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("[1,2,3]", false)]
    [InlineData("not base58 0OIl", false)]
    [InlineData("{\"key\":1}", false)]
    public void HasValidKeypair_UnsetOrMalformed(string? value, bool valid) =>
        Assert.Equal(valid, new TreasuryOptions { Keypair = value }.HasValidKeypair());
}
