using System.Diagnostics.CodeAnalysis;

namespace Bourse.Quasar;

/// <summary>An event the program emits: <c>disc ‖ fields</c> in a "Program data:" log line, or <c>0xFF ‖ disc ‖ fields</c> as emit_cpi instruction data.</summary>
public sealed class IdlEvent(string name, byte[] discriminator, IdlStruct layout)
{
    public string Name { get; } = name;

    public ReadOnlyMemory<byte> Discriminator { get; } = discriminator;

    public IdlStruct Layout { get; } = layout;

    public bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out QuasarRecord? record)
    {
        record = null;
        if (!data.StartsWith(Discriminator.Span))
        {
            return false;
        }

        try
        {
            var reader = new QuasarReader(data[Discriminator.Length..]);
            var decoded = Layout.Read(ref reader);
            if (reader.Remaining != 0)
            {
                return false;
            }

            record = decoded;
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The event's bytes (<c>disc ‖ fields</c>), as <c>emit!</c> logs them.</summary>
    public byte[] Encode(IReadOnlyDictionary<string, object?> fields)
    {
        var writer = new QuasarWriter();
        writer.Bytes(Discriminator.Span);
        Layout.Write(writer, fields);
        return writer.ToArray();
    }

    public override string ToString() => Name;
}
