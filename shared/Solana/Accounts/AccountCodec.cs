using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

internal static class AccountCodec
{
    /// <summary>A COption&lt;Pubkey&gt; in account state: a 4-byte tag, then 32 bytes.</summary>
    public static PublicKey? OptionalKey(ReadOnlySpan<byte> data) =>
        BinaryPrimitives.ReadUInt32LittleEndian(data) != 0 ? new PublicKey(data.Slice(4, PublicKey.Length)) : null;

    /// <summary>An OptionalNonZeroPubkey (Token-2022 extensions): all zero bytes mean none.</summary>
    public static PublicKey? NonZeroKey(ReadOnlySpan<byte> data)
    {
        var key = data[..PublicKey.Length];
        return key.ContainsAnyExcept((byte)0) ? new PublicKey(key) : null;
    }
}
