using System.Diagnostics.CodeAnalysis;
using Bourse.Solana.Rpc.Models;

namespace Bourse.Quasar;

/// <summary>An account type of the program: its discriminator (at offset 0) and its layout.</summary>
public sealed class IdlAccount(string name, byte[] discriminator, IdlStruct layout)
{
    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Discriminator { get; } = discriminator;

    public IdlStruct Layout { get; } = layout;

    /// <summary>The <c>getProgramAccounts</c> filter that selects this type: its discriminator at offset 0.</summary>
    public ProgramAccountFilter Filter => ProgramAccountFilter.Memcmp(0, Discriminator.Span);

    /// <summary>True when <paramref name="data"/> starts with this type's discriminator.</summary>
    public bool Matches(ReadOnlySpan<byte> data) => data.StartsWith(Discriminator.Span);

    /// <summary>Decodes an account of this type; a wrong discriminator, a short account or trailing bytes are refused.</summary>
    public QuasarRecord Decode(ReadOnlySpan<byte> data) =>
        TryDecode(data, out var record, out var error) ? record : throw new FormatException(error);

    public bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out QuasarRecord? record, [NotNullWhen(false)] out string? error)
    {
        record = null;
        if (!Matches(data))
        {
            error = $"Not a {Name}: the discriminator is {Convert.ToHexString(data[..Math.Min(data.Length, Discriminator.Length)])}, not {Convert.ToHexString(Discriminator.Span)}.";
            return false;
        }

        try
        {
            var reader = new QuasarReader(data[Discriminator.Length..]);
            var decoded = Layout.Read(ref reader);
            if (reader.Remaining != 0)
            {
                error = $"A {Name} of these fields is {data.Length - reader.Remaining} bytes; this account has {reader.Remaining} more.";
                return false;
            }

            record = decoded;
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            error = $"Not a valid {Name} ({data.Length} bytes): {e.Message}";
            return false;
        }
    }

    /// <summary>The account data for <paramref name="fields"/>: discriminator, then the fields in the IDL's layout.</summary>
    public byte[] Encode(IReadOnlyDictionary<string, object?> fields)
    {
        var writer = new QuasarWriter();
        writer.Bytes(Discriminator.Span);
        Layout.Write(writer, fields);
        return writer.ToArray();
    }

    public override string ToString() => Name;
}
