using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

/// <summary>An SPL mint (82 bytes; a Token-2022 mint continues with its extensions).</summary>
public sealed record MintAccount(PublicKey? MintAuthority, ulong Supply, byte Decimals, bool IsInitialized, PublicKey? FreezeAuthority)
{
    public static class Layout
    {
        public const int Length = 82;
        public const int MintAuthority = 0;
        public const int Supply = 36;
        public const int Decimals = 44;
        public const int IsInitialized = 45;
        public const int FreezeAuthority = 46;
    }

    public static MintAccount Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < Layout.Length)
        {
            throw new FormatException($"A mint is at least {Layout.Length} bytes, not {data.Length}.");
        }

        return new MintAccount(
            AccountCodec.OptionalKey(data[Layout.MintAuthority..]),
            BinaryPrimitives.ReadUInt64LittleEndian(data[Layout.Supply..]),
            data[Layout.Decimals],
            data[Layout.IsInitialized] != 0,
            AccountCodec.OptionalKey(data[Layout.FreezeAuthority..]));
    }
}
