using System.Text.Json;
using System.Text.Unicode;

namespace Bourse.Json;

/// <summary>
/// What a request body must be before it is parsed into nodes: valid UTF-8, well-formed JSON within a
/// nesting depth, every string and key decodable (no lone UTF-16 surrogate escapes) and no key twice in
/// one object. JsonNode accepts the last three and fails later, on first use; this finds them up front.
/// </summary>
public static class StrictJson
{
    /// <summary>Why the body is not strict JSON, in words for the client; null when it is.</summary>
    public static string? Problem(ReadOnlySpan<byte> body, int maxDepth = 64)
    {
        if (!Utf8.IsValid(body))
        {
            return "The request body is not valid UTF-8.";
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = maxDepth });
        var keys = new Stack<HashSet<string>>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        keys.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.EndObject:
                        keys.Pop();
                        break;
                    case JsonTokenType.PropertyName when !keys.Peek().Add(reader.GetString()!):
                        var key = reader.GetString()!;
                        return $"The key '{(key.Length > 64 ? key[..64] + "…" : key)}' appears twice in one object.";
                    case JsonTokenType.String when reader.ValueIsEscaped:
                        _ = reader.GetString(); // only an escape can make a lone surrogate: the bytes are valid UTF-8
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return $"The request body is not well-formed JSON (or nests deeper than {maxDepth}).";
        }
        catch (InvalidOperationException)
        {
            return "The request body has a string that is not valid Unicode (a lone UTF-16 surrogate).";
        }

        return null;
    }
}
