using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

/// <summary>An SPL token account (165 bytes; a Token-2022 account continues with its extensions).</summary>
public sealed record TokenAccount(
    PublicKey Mint,
    PublicKey Owner,
    ulong Amount,
    PublicKey? Delegate,
    TokenAccountState State,
    ulong? NativeReserve,
    ulong DelegatedAmount,
    PublicKey? CloseAuthority)
{
    public static class Layout
    {
        public const int Length = 165;
        public const int Mint = 0;
        public const int Owner = 32;
        public const int Amount = 64;
        public const int Delegate = 72;
        public const int State = 108;
        public const int IsNative = 109;
        public const int DelegatedAmount = 121;
        public const int CloseAuthority = 129;
    }

    public static TokenAccount Deserialize(ReadOnlySpan<byte> data)
    {
        if (data.Length < Layout.Length)
        {
            throw new FormatException($"A token account is at least {Layout.Length} bytes, not {data.Length}.");
        }

        return new TokenAccount(
            new PublicKey(data.Slice(Layout.Mint, PublicKey.Length)),
            new PublicKey(data.Slice(Layout.Owner, PublicKey.Length)),
            BinaryPrimitives.ReadUInt64LittleEndian(data[Layout.Amount..]),
            AccountCodec.OptionalKey(data[Layout.Delegate..]),
            (TokenAccountState)data[Layout.State],
            BinaryPrimitives.ReadUInt32LittleEndian(data[Layout.IsNative..]) != 0 ? BinaryPrimitives.ReadUInt64LittleEndian(data[(Layout.IsNative + 4)..]) : null,
            BinaryPrimitives.ReadUInt64LittleEndian(data[Layout.DelegatedAmount..]),
            AccountCodec.OptionalKey(data[Layout.CloseAuthority..]));
    }
}
