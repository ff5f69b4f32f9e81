using System.Buffers.Binary;

namespace Bourse.Solana.Accounts;

/// <summary>
/// The extensions of a Token-2022 mint or account: the base record is padded to 165 bytes, then
/// one account-type byte, then TLV entries (u16 type, u16 length, value).
/// </summary>
public sealed class Token2022Extensions
{
    public const int AccountTypeOffset = TokenAccount.Layout.Length;
    private const int TlvStart = AccountTypeOffset + 1;

    private readonly Dictionary<ushort, byte[]> _entries;

    private Token2022Extensions(byte accountType, Dictionary<ushort, byte[]> entries)
    {
        AccountType = accountType;
        _entries = entries;
    }

    /// <summary>1 for a mint, 2 for a token account; 0 when the data has no extensions.</summary>
    public byte AccountType { get; }

    public IReadOnlyCollection<ushort> Types => _entries.Keys;

    public static Token2022Extensions Read(ReadOnlySpan<byte> data)
    {
        var entries = new Dictionary<ushort, byte[]>();
        if (data.Length <= AccountTypeOffset)
        {
            return new Token2022Extensions(0, entries);
        }

        var offset = TlvStart;
        while (offset + 4 <= data.Length)
        {
            var type = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
            if (type == 0 && length == 0)
            {
                break; // uninitialized space
            }

            if (offset + 4 + length > data.Length)
            {
                throw new FormatException($"Extension {type} runs past the end of the account.");
            }

            entries[type] = data.Slice(offset + 4, length).ToArray();
            offset += 4 + length;
        }

        return new Token2022Extensions(data[AccountTypeOffset], entries);
    }

    public TransferFeeConfig? TransferFeeConfig =>
        _entries.TryGetValue(Accounts.TransferFeeConfig.ExtensionType, out var value) ? Accounts.TransferFeeConfig.Deserialize(value) : null;

    public TransferFeeAmount? TransferFeeAmount =>
        _entries.TryGetValue(Accounts.TransferFeeAmount.ExtensionType, out var value) ? Accounts.TransferFeeAmount.Deserialize(value) : null;
}
