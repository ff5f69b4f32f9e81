using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Quasar;
using Bourse.Solana;

namespace Bourse.ChainIndex;

/// <summary>
/// A decoded program account as a <c>ProgramAccounts</c> row: one column per IDL field (integers as Int32/Int64, a
/// u64 above Int64 as a decimal string, keys base58, byte arrays base64, vectors and structs as JSON, enums by
/// variant name) plus <c>AccountSlot</c>, <c>DataSize</c> and the content hash.
/// </summary>
public static class ProgramAccountColumns
{
    private static readonly HashSet<string> Reserved = new(["PartitionKey", "RowKey", "Timestamp", "ETag", "odata.etag", "AccountSlot", "DataSize", ChangeCache.HashColumn], StringComparer.OrdinalIgnoreCase);

    public static TableEntity ToEntity(string accountType, string address, QuasarRecord record, long slot, int size, string hash)
    {
        var entity = new TableEntity(accountType, address)
        {
            ["AccountSlot"] = slot,
            ["DataSize"] = size,
            [ChangeCache.HashColumn] = hash,
        };
        foreach (var (name, value) in record.Fields)
        {
            entity[Reserved.Contains(name) ? "Field_" + name : name] = Column(value);
        }

        return entity;
    }

    public static object? Column(object? value) => value switch
    {
        null => null,
        byte or sbyte or short or ushort or int => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        uint u => (long)u,
        long l => l,
        ulong u => u <= long.MaxValue ? (long)u : u.ToString(CultureInfo.InvariantCulture),
        bool b => b,
        string s => s,
        PublicKey key => key.ToString(),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => Json(value),
    };

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

    private static void Write(Utf8JsonWriter writer, object? value)
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
