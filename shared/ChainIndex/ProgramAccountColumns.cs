using System.Globalization;
using System.Text;
using System.Text.Json;
using Bourse.Quasar;
using Bourse.Solana;

namespace Bourse.ChainIndex;

/// <summary>
/// Decoded IDL values as stored, as JSON: integers as numbers, keys base58, byte arrays base64, structs as objects,
/// vectors as arrays, enums by variant name (in <see cref="ProgramAccountShards"/> rows and event facts).
/// </summary>
public static class ProgramAccountColumns
{
    /// <summary>A decoded value as JSON: integers as numbers, keys base58, bytes base64, records as objects.</summary>
    public static string Json(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            Write(writer, value);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes a decoded value as <see cref="Json"/> does.</summary>
    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case byte or sbyte or short or ushort or int or long: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case uint or ulong: writer.WriteNumberValue(Convert.ToUInt64(value, CultureInfo.InvariantCulture)); break;
            case string s: writer.WriteStringValue(s); break;
            case PublicKey key: writer.WriteStringValue(key.ToString()); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case QuasarRecord record:
                writer.WriteStartObject();
                foreach (var (name, field) in record.Fields)
                {
                    writer.WritePropertyName(name);
                    Write(writer, field);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<object?> items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }
}
