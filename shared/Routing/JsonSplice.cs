using System.Text.Json;

namespace Bourse.Routing;

/// <summary>
/// Edits of a JSON object's top-level properties made on its bytes, the rest passed through untouched
/// (no parse into a tree, no re-serialisation): how request bodies, answers and SSE chunks are rewritten.
/// </summary>
public static class JsonSplice
{
    /// <summary>The byte range of a top-level property (from its name's opening quote) and of its value, or null when absent.</summary>
    public static (int NameStart, int ValueStart, int ValueEnd, JsonTokenType Kind)? Find(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var nameStart = (int)reader.TokenStartIndex;
                var matches = reader.ValueTextEquals(name);
                reader.Read();
                var valueStart = (int)reader.TokenStartIndex;
                var kind = reader.TokenType;
                reader.Skip();
                var valueEnd = (int)reader.BytesConsumed;
                if (matches)
                {
                    return (nameStart, valueStart, valueEnd, kind);
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    /// <summary>The JSON with a top-level string property's value replaced; null when it has no such string property.</summary>
    public static byte[]? ReplaceString(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name, string value)
    {
        if (Find(json, name) is not { Kind: JsonTokenType.String } found)
        {
            return null;
        }

        var encoded = JsonSerializer.SerializeToUtf8Bytes(value, Json.BourseJsonContext.Default.String);
        var result = new byte[json.Length - (found.ValueEnd - found.ValueStart) + encoded.Length];
        json[..found.ValueStart].CopyTo(result);
        encoded.CopyTo(result.AsSpan(found.ValueStart));
        json[found.ValueEnd..].CopyTo(result.AsSpan(found.ValueStart + encoded.Length));
        return result;
    }

    /// <summary>The JSON without a top-level property (and its separating comma); the input itself when absent.</summary>
    public static byte[] Remove(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        if (Find(json, name) is not { } found)
        {
            return json.ToArray();
        }

        var start = found.NameStart;
        var end = found.ValueEnd;
        var before = start - 1;
        while (before >= 0 && IsSpace(json[before]))
        {
            before--;
        }

        if (before >= 0 && json[before] == (byte)',')
        {
            start = before; // "…, "name": v" → "…"
        }
        else
        {
            var after = end;
            while (after < json.Length && IsSpace(json[after]))
            {
                after++;
            }

            if (after < json.Length && json[after] == (byte)',')
            {
                end = after + 1; // "{"name": v, …" → "{ …"
            }
        }

        var result = new byte[json.Length - (end - start)];
        json[..start].CopyTo(result);
        json[end..].CopyTo(result.AsSpan(start));
        return result;
    }

    /// <summary>The JSON object with <c>,"name":value</c> (raw JSON) added before its closing brace.</summary>
    public static byte[] Append(ReadOnlySpan<byte> json, string name, ReadOnlySpan<byte> rawValue)
    {
        var close = json.LastIndexOf((byte)'}');
        var open = json.IndexOf((byte)'{');
        var empty = json[(open + 1)..close].Trim(" \t\r\n"u8).IsEmpty;
        var property = JsonSerializer.SerializeToUtf8Bytes(name, Json.BourseJsonContext.Default.String);
        using var result = new MemoryStream(json.Length + property.Length + rawValue.Length + 2);
        result.Write(json[..close]);
        if (!empty)
        {
            result.WriteByte((byte)',');
        }

        result.Write(property);
        result.WriteByte((byte)':');
        result.Write(rawValue);
        result.Write(json[close..]);
        return result.ToArray();
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
