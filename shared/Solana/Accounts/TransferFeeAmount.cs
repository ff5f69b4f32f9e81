using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

/// <summary>Token-2022 account extension 2: fees withheld in this token account, waiting to be harvested.</summary>
public sealed record TransferFeeAmount(ulong WithheldAmount)
{
    public const ushort ExtensionType = 2;

    public static TransferFeeAmount Deserialize(ReadOnlySpan<byte> value) => value.Length < 8
        ? throw new FormatException("TransferFeeAmount is 8 bytes.")
        : new TransferFeeAmount(BinaryPrimitives.ReadUInt64LittleEndian(value));
}
