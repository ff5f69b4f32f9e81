using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Text;
using Bourse.Solana;

namespace Bourse.Quasar;

/// <summary>Values to and from their packed little-endian form, by IDL type.</summary>
internal static class QuasarCodec
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static object? Read(ref QuasarReader reader, IdlType type)
    {
        switch (type)
        {
            case IdlType.Primitive { Name: "string" }:
                return ReadPayload(ref reader, type, reader.Length(1), "string");
            case IdlType.Primitive p:
                return ReadPrimitive(p.Name, reader.Bytes(p.Size));
            case IdlType.Vec:
                return ReadPayload(ref reader, type, reader.Length(2), "vec");
            case IdlType.Array a:
                return ReadItems(ref reader, a.Item, a.Length);
            case IdlType.Option o:
                var tag = reader.Bytes(1)[0];
                return tag switch
                {
                    0 => null,
                    1 => Read(ref reader, o.Item),
                    _ => throw new FormatException($"Option tag {tag} is neither 0 nor 1."),
                };
            case IdlType.Defined { Definition: IdlStruct s }:
                return s.Read(ref reader);
            case IdlType.Defined { Definition: IdlEnum e }:
                var variant = reader.Bytes(1)[0];
                return variant < e.Variants.Count ? e.Variants[variant] : throw new FormatException($"{e.Name} has no variant {variant}.");
            default:
                throw new InvalidOperationException($"Type {type} is not resolved.");
        }
    }

    /// <summary>The payload of a string (<paramref name="length"/> bytes) or vector (<paramref name="length"/> items).</summary>
    public static object? ReadPayload(ref QuasarReader reader, IdlType type, int length, string path) => type switch
    {
        IdlType.Primitive { Name: "string" } => DecodeString(reader.Bytes(length), path),
        IdlType.Vec v => ReadItems(ref reader, v.Item, length),
        _ => throw new InvalidOperationException($"{path}: only strings and vectors have a length prefix."),
    };

    public static void Write(QuasarWriter writer, IdlType type, object? value, string path)
    {
        switch (type)
        {
            case IdlType.Primitive { Name: "string" }:
            case IdlType.Vec:
                var payload = new QuasarWriter();
                var length = WritePayload(payload, type, value, path);
                writer.Length(length, type is IdlType.Vec ? 2 : 1);
                writer.Bytes(payload.ToArray());
                break;
            case IdlType.Primitive p:
                WritePrimitive(writer, p.Name, value, path);
                break;
            case IdlType.Array a:
                var items = Items(value, a.Item, path);
                if (items.Count != a.Length)
                {
                    throw new ArgumentException($"{path}: {items.Count} item(s), the array holds {a.Length}.");
                }

                foreach (var item in items)
                {
                    Write(writer, a.Item, item, path);
                }

                break;
            case IdlType.Option o:
                writer.Bytes([value is null ? (byte)0 : (byte)1]);
                if (value is not null)
                {
                    Write(writer, o.Item, value, path);
                }

                break;
            case IdlType.Defined { Definition: IdlStruct s }:
                s.Write(writer, value switch
                {
                    QuasarRecord r => r.Fields.ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal),
                    IReadOnlyDictionary<string, object?> d => d,
                    _ => throw new ArgumentException($"{path}: a {s.Name} is a record or a dictionary of its fields."),
                });
                break;
            case IdlType.Defined { Definition: IdlEnum e }:
                var index = value switch
                {
                    string name => IndexOfVariant(e, name, path),
                    Enum member => IndexOfVariant(e, member.ToString(), path),
                    _ => Convert.ToInt32(value, CultureInfo.InvariantCulture),
                };
                if (index < 0 || index >= e.Variants.Count)
                {
                    throw new ArgumentException($"{path}: {e.Name} has no variant {index}.");
                }

                writer.Bytes([(byte)index]);
                break;
            default:
                throw new InvalidOperationException($"Type {type} is not resolved.");
        }
    }

    /// <summary>Writes a string's bytes or a vector's items; returns the length its prefix carries.</summary>
    public static int WritePayload(QuasarWriter writer, IdlType type, object? value, string path)
    {
        switch (type)
        {
            case IdlType.Primitive { Name: "string" }:
                var bytes = Utf8.GetBytes(value as string ?? throw new ArgumentException($"{path}: a string is required."));
                writer.Bytes(bytes);
                return bytes.Length;
            case IdlType.Vec v:
                var items = Items(value, v.Item, path);
                foreach (var item in items)
                {
                    Write(writer, v.Item, item, path);
                }

                return items.Count;
            default:
                throw new InvalidOperationException($"{path}: only strings and vectors have a length prefix.");
        }
    }

    public static int MinimumSize(IdlType type) => type switch
    {
        IdlType.Primitive { Name: "string" } => 1,
        IdlType.Primitive p => p.Size,
        IdlType.Vec => 2,
        IdlType.Array a => a.Length * MinimumSize(a.Item),
        IdlType.Option => 1,
        IdlType.Defined { Definition: IdlStruct s } => s.MinimumSize,
        IdlType.Defined => 1,
        _ => 0,
    };

    /// <summary>A field's largest encoding (a tail field: its payload only), or null when unbounded.</summary>
    public static int? MaximumSize(IdlField field)
    {
        if (!field.IsTail)
        {
            return MaximumSize(field.Type);
        }

        return field.Type switch
        {
            IdlType.Primitive { Name: "string" } => field.MaxLength,
            IdlType.Vec v => field.MaxLength * MaximumSize(v.Item),
            _ => null,
        };
    }

    private static int? MaximumSize(IdlType type) => type switch
    {
        IdlType.Option o => 1 + MaximumSize(o.Item),
        IdlType.Defined { Definition: IdlStruct s } => s.MaximumSize,
        _ => type.FixedSize,
    };

    private static object ReadItems(ref QuasarReader reader, IdlType item, int count)
    {
        if (item is IdlType.Primitive { Name: "u8" })
        {
            return reader.Bytes(count).ToArray();
        }

        var minimum = Math.Max(1, MinimumSize(item));
        if ((long)count * minimum > reader.Remaining)
        {
            throw new FormatException($"{count} item(s) of {item} do not fit the {reader.Remaining} byte(s) left.");
        }

        var items = new object?[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = Read(ref reader, item);
        }

        return items;
    }

    private static string DecodeString(ReadOnlySpan<byte> bytes, string path)
    {
        try
        {
            return Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new FormatException($"{path} is not UTF-8.");
        }
    }

    private static object ReadPrimitive(string name, ReadOnlySpan<byte> bytes) => name switch
    {
        "u8" => bytes[0],
        "i8" => (sbyte)bytes[0],
        "bool" => bytes[0] switch
        {
            0 => false,
            1 => true,
            _ => throw new FormatException($"A bool is 0 or 1, not {bytes[0]}."),
        },
        "u16" => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        "i16" => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        "u32" => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        "i32" => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        "u64" => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        "i64" => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        "pubkey" => new PublicKey(bytes),
        _ => throw new InvalidOperationException($"Unknown primitive {name}."),
    };

    private static void WritePrimitive(QuasarWriter writer, string name, object? value, string path)
    {
        if (value is null)
        {
            throw new ArgumentException($"{path} is null.");
        }

        Span<byte> buffer = stackalloc byte[32];
        try
        {
            switch (name)
            {
                case "u8": buffer[0] = Convert.ToByte(value, CultureInfo.InvariantCulture); writer.Bytes(buffer[..1]); break;
                case "i8": buffer[0] = (byte)Convert.ToSByte(value, CultureInfo.InvariantCulture); writer.Bytes(buffer[..1]); break;
                case "bool": buffer[0] = (bool)value ? (byte)1 : (byte)0; writer.Bytes(buffer[..1]); break;
                case "u16": BinaryPrimitives.WriteUInt16LittleEndian(buffer, Convert.ToUInt16(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..2]); break;
                case "i16": BinaryPrimitives.WriteInt16LittleEndian(buffer, Convert.ToInt16(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..2]); break;
                case "u32": BinaryPrimitives.WriteUInt32LittleEndian(buffer, Convert.ToUInt32(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..4]); break;
                case "i32": BinaryPrimitives.WriteInt32LittleEndian(buffer, Convert.ToInt32(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..4]); break;
                case "u64": BinaryPrimitives.WriteUInt64LittleEndian(buffer, Convert.ToUInt64(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..8]); break;
                case "i64": BinaryPrimitives.WriteInt64LittleEndian(buffer, Convert.ToInt64(value, CultureInfo.InvariantCulture)); writer.Bytes(buffer[..8]); break;
                case "pubkey": writer.Bytes((value is string s ? PublicKey.Parse(s) : (PublicKey)value).Bytes); break;
                default: throw new InvalidOperationException($"Unknown primitive {name}.");
            }
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException)
        {
            throw new ArgumentException($"{path}: {value} is not a valid {name} ({e.Message}).", e);
        }
    }

    private static List<object?> Items(object? value, IdlType item, string path) => value switch
    {
        byte[] bytes when item is IdlType.Primitive { Name: "u8" } => [.. bytes.Cast<object?>()],
        string => throw new ArgumentException($"{path}: a list is required, not a string."),
        IEnumerable list => [.. list.Cast<object?>()],
        _ => throw new ArgumentException($"{path}: a list is required."),
    };

    private static int IndexOfVariant(IdlEnum e, string name, string path)
    {
        for (var i = 0; i < e.Variants.Count; i++)
        {
            if (string.Equals(e.Variants[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        throw new ArgumentException($"{path}: {e.Name} has no variant '{name}'.");
    }
}
