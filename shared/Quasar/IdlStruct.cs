namespace Bourse.Quasar;

/// <summary>
/// A struct: fields packed little-endian with alignment 1. Fixed layout: the fields in order. Compact layout:
/// the inline (fixed-size) fields, then one length prefix per tail field, then the tail payloads in the same order.
/// </summary>
public sealed class IdlStruct(string name, IReadOnlyList<IdlField> fields) : IdlTypeDefinition(name)
{
    public IReadOnlyList<IdlField> Fields { get; } = fields;

    internal IReadOnlyList<IdlField> Inline { get; } = [.. fields.Where(f => !f.IsTail)];

    internal IReadOnlyList<IdlField> Tail { get; } = [.. fields.Where(f => f.IsTail)];

    public override int? FixedSize => Tail.Count == 0 && Inline.All(f => f.Type.FixedSize is not null)
        ? Inline.Sum(f => f.Type.FixedSize!.Value)
        : null;

    /// <summary>The smallest encoding: every tail field empty (options none).</summary>
    public int MinimumSize => Inline.Sum(f => QuasarCodec.MinimumSize(f.Type)) + Tail.Sum(f => f.PrefixSize);

    /// <summary>The largest encoding, or null when a field is unbounded.</summary>
    public int? MaximumSize
    {
        get
        {
            var size = Inline.Sum(f => QuasarCodec.MinimumSize(f.Type)) + Tail.Sum(f => f.PrefixSize);
            foreach (var f in Fields)
            {
                if (QuasarCodec.MaximumSize(f) is not { } max)
                {
                    return null;
                }

                size += f.IsTail ? max : max - QuasarCodec.MinimumSize(f.Type);
            }

            return size;
        }
    }

    internal QuasarRecord Read(ref QuasarReader reader)
    {
        var values = new object?[Fields.Count];
        foreach (var field in Inline)
        {
            values[IndexOf(field)] = QuasarCodec.Read(ref reader, field.Type);
        }

        Span<int> lengths = stackalloc int[Tail.Count];
        for (var i = 0; i < Tail.Count; i++)
        {
            lengths[i] = reader.Length(Tail[i].PrefixSize);
            if (Tail[i].MaxLength is { } max && lengths[i] > max)
            {
                throw new FormatException($"{Name}.{Tail[i].Name}: length {lengths[i]} is above its maximum {max}.");
            }
        }

        for (var i = 0; i < Tail.Count; i++)
        {
            values[IndexOf(Tail[i])] = QuasarCodec.ReadPayload(ref reader, Tail[i].Type, lengths[i], $"{Name}.{Tail[i].Name}");
        }

        var pairs = new KeyValuePair<string, object?>[Fields.Count];
        for (var i = 0; i < Fields.Count; i++)
        {
            pairs[i] = new(Fields[i].Name, values[i]);
        }

        return new QuasarRecord(Name, pairs);
    }

    internal void Write(QuasarWriter writer, IReadOnlyDictionary<string, object?> values)
    {
        var unknown = values.Keys.Where(k => Fields.All(f => f.Name != k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"{Name} has no field(s) {string.Join(", ", unknown)}.", nameof(values));
        }

        foreach (var field in Inline)
        {
            QuasarCodec.Write(writer, field.Type, Value(values, field), $"{Name}.{field.Name}");
        }

        var payloads = new List<byte[]>(Tail.Count);
        foreach (var field in Tail)
        {
            var payload = new QuasarWriter();
            var length = QuasarCodec.WritePayload(payload, field.Type, Value(values, field), $"{Name}.{field.Name}");
            if (field.MaxLength is { } max && length > max)
            {
                throw new ArgumentException($"{Name}.{field.Name}: length {length} is above its maximum {max}.", nameof(values));
            }

            writer.Length(length, field.PrefixSize);
            payloads.Add(payload.ToArray());
        }

        foreach (var payload in payloads)
        {
            writer.Bytes(payload);
        }
    }

    private int IndexOf(IdlField field)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (ReferenceEquals(Fields[i], field))
            {
                return i;
            }
        }

        throw new InvalidOperationException("Unknown field.");
    }

    private object? Value(IReadOnlyDictionary<string, object?> values, IdlField field) =>
        values.TryGetValue(field.Name, out var value)
            ? value
            : field.Type is IdlType.Option ? null : throw new ArgumentException($"{Name}.{field.Name} is missing.", nameof(values));
}
