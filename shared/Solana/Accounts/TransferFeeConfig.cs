using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

/// <summary>Token-2022 mint extension 1: who may change and withdraw fees, what is withheld in the mint, the fees.</summary>
public sealed record TransferFeeConfig(
    PublicKey? ConfigAuthority,
    PublicKey? WithdrawWithheldAuthority,
    ulong WithheldAmount,
    TransferFee OlderFee,
    TransferFee NewerFee)
{
    public const ushort ExtensionType = 1;
    public const int Length = 108;

    /// <summary>The fee in force in <paramref name="epoch"/>.</summary>
    public TransferFee FeeAt(ulong epoch) => epoch >= NewerFee.Epoch ? NewerFee : OlderFee;

    public static TransferFeeConfig Deserialize(ReadOnlySpan<byte> value) => value.Length < Length
        ? throw new FormatException($"TransferFeeConfig is {Length} bytes, not {value.Length}.")
        : new TransferFeeConfig(
            AccountCodec.NonZeroKey(value),
            AccountCodec.NonZeroKey(value[32..]),
            BinaryPrimitives.ReadUInt64LittleEndian(value[64..]),
            Fee(value[72..]),
            Fee(value[90..]));

    private static TransferFee Fee(ReadOnlySpan<byte> data) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(data),
        BinaryPrimitives.ReadUInt64LittleEndian(data[8..]),
        BinaryPrimitives.ReadUInt16LittleEndian(data[16..]));
}
