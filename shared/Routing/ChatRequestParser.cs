using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bourse.Routing;

/// <summary>Reads a chat-completions body: only what routing and billing need is checked; everything else passes through.</summary>
public static class ChatRequestParser
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>Reads and parses the request body, refusing more than <see cref="MaxBodyBytes"/> without buffering it all.</summary>
    public static async Task<(ChatRequest? Request, ChatError? Error)> ReadAsync(Microsoft.AspNetCore.Http.HttpRequest http, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        var buffer = new byte[81_920];
        int read;
        while ((read = await http.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return (null, ChatError.BadRequest($"The request body is larger than {MaxBodyBytes} bytes.", null));
            }

            body.Write(buffer, 0, read);
        }

        return Parse(body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    public static (ChatRequest? Request, ChatError? Error) Parse(ReadOnlySpan<byte> body)
    {
        if (body.Length > MaxBodyBytes)
        {
            return (null, ChatError.BadRequest($"The request body is larger than {MaxBodyBytes} bytes.", null));
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return (null, ChatError.BadRequest("The request body is not a JSON object.", null, "invalid_json"));
        }

        if (json["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || string.IsNullOrWhiteSpace(model))
        {
            return (null, ChatError.BadRequest("'model' is required.", "model"));
        }

        if (json["messages"] is not JsonArray { Count: > 0 } messages || messages.Any(m => m is not JsonObject o || o["role"] is null))
        {
            return (null, ChatError.BadRequest("'messages' must be a non-empty array of messages, each with a 'role'.", "messages"));
        }

        if (!TryInt(json, "n", 1, 128, out var n))
        {
            return (null, ChatError.BadRequest("'n' must be an integer from 1 to 128.", "n"));
        }

        if (!TryInt(json, "max_completion_tokens", 1, int.MaxValue, out var maxCompletion))
        {
            return (null, ChatError.BadRequest("'max_completion_tokens' must be a positive integer.", "max_completion_tokens"));
        }

        if (!TryInt(json, "max_tokens", 1, int.MaxValue, out var maxTokens))
        {
            return (null, ChatError.BadRequest("'max_tokens' must be a positive integer.", "max_tokens"));
        }

        var stream = json["stream"] is JsonValue s && s.TryGetValue<bool>(out var isStream) && isStream;
        var wantsUsage = stream && json["stream_options"]?["include_usage"] is JsonValue u && u.TryGetValue<bool>(out var include) && include;
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        return (new ChatRequest(json, model, stream, wantsUsage, n ?? 1, maxCompletion ?? maxTokens, hash, body.ToArray()), null);
    }

    private static bool TryInt(JsonObject json, string name, int min, int max, out int? value)
    {
        value = null;
        if (json[name] is null)
        {
            return true;
        }

        if (json[name] is JsonValue v && v.TryGetValue<int>(out var i) && i >= min && i <= max)
        {
            value = i;
            return true;
        }

        return false;
    }
}
