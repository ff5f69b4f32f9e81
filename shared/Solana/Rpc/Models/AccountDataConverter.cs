using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bourse.Solana.Rpc.Models;

/// <summary>Reads account data in the RPC's <c>["&lt;base64&gt;", "base64"]</c> form.</summary>
public sealed class AccountDataConverter : JsonConverter<byte[]>
{
    public override byte[] Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Account data must be [data, encoding].");
        }

        reader.Read();
        var data = reader.GetString() ?? string.Empty;
        reader.Read();
        var encoding = reader.GetString();
        reader.Read();
        return encoding == "base64"
            ? Convert.FromBase64String(data)
            : throw new JsonException($"Account data encoding '{encoding}' is not base64.");
    }

    public override void Write(Utf8JsonWriter writer, byte[] value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteStringValue(Convert.ToBase64String(value));
        writer.WriteStringValue("base64");
        writer.WriteEndArray();
    }
}
