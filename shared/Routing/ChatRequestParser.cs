using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Json;

namespace Bourse.Routing;

/// <summary>
/// Reads a chat-completions body: well-formed JSON (valid UTF-8, no lone surrogates, no key twice) and
/// the fields routing and billing act on, each of the type it must have (a 400 names the one that is
/// not); everything else passes through untouched.
/// </summary>
public static class ChatRequestParser
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private const int MaxDepth = 64;

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

        if (StrictJson.Problem(body, MaxDepth) is { } malformed)
        {
            return (null, ChatError.BadRequest(malformed, null, "invalid_json"));
        }

        JsonObject json;
        try
        {
            json = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth }) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            return (null, ChatError.BadRequest("The request body is not a JSON object.", null, "invalid_json"));
        }

        if (Invalid(json) is { } invalid)
        {
            return (null, invalid);
        }

        var model = (string)json["model"]!;
        var stream = json["stream"] is JsonValue s && s.GetValue<bool>();
        var wantsUsage = stream && json["stream_options"]?["include_usage"] is JsonValue u && u.GetValue<bool>();
        var n = Int(json, "n");
        var maxOutput = Int(json, "max_completion_tokens") ?? Int(json, "max_tokens");
        return (new ChatRequest(json, model, stream, wantsUsage, n ?? 1, maxOutput, body.ToArray()), null);
    }

    /// <summary>The first field the router acts on that has the wrong type or value, as a 400 naming it.</summary>
    private static ChatError? Invalid(JsonObject json)
    {
        if (json["model"] is not JsonValue modelValue || !modelValue.TryGetValue<string>(out var model) || string.IsNullOrWhiteSpace(model))
        {
            return ChatError.BadRequest("'model' is required: a model id (GET /api/models lists them).", "model");
        }

        if (json["messages"] is not JsonArray { Count: > 0 } messages)
        {
            return ChatError.BadRequest("'messages' must be a non-empty array of messages.", "messages");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (InvalidMessage(messages[i], $"messages[{i}]") is { } error)
            {
                return error;
            }
        }

        if (!IsAbsentOr<bool>(json["stream"]))
        {
            return ChatError.BadRequest("'stream' must be true or false.", "stream");
        }

        switch (json["stream_options"])
        {
            case null:
                break;
            case JsonObject options when IsAbsentOr<bool>(options["include_usage"]):
                break;
            case JsonObject:
                return ChatError.BadRequest("'stream_options.include_usage' must be true or false.", "stream_options.include_usage");
            default:
                return ChatError.BadRequest("'stream_options' must be an object.", "stream_options");
        }

        if (!IsIntIn(json["n"], 1, 128))
        {
            return ChatError.BadRequest("'n' must be an integer from 1 to 128.", "n");
        }

        foreach (var name in (string[])["max_completion_tokens", "max_tokens"])
        {
            if (!IsIntIn(json[name], 1, int.MaxValue))
            {
                return ChatError.BadRequest($"'{name}' must be a positive integer.", name);
            }
        }

        return InvalidTools(json["tools"]);
    }

    private static ChatError? InvalidMessage(JsonNode? node, string at)
    {
        if (node is not JsonObject message)
        {
            return ChatError.BadRequest($"'{at}' must be a message object.", at);
        }

        if (message["role"] is not JsonValue role || !role.TryGetValue<string>(out var name) || name.Length == 0)
        {
            return ChatError.BadRequest($"'{at}.role' must be a string ('system', 'user', 'assistant', 'tool', …).", at + ".role");
        }

        switch (message["content"])
        {
            case null:
            case JsonValue text when text.TryGetValue<string>(out _):
                break;
            case JsonArray parts:
                for (var j = 0; j < parts.Count; j++)
                {
                    var partAt = $"{at}.content[{j}]";
                    if (parts[j] is not JsonObject part)
                    {
                        return ChatError.BadRequest($"'{partAt}' must be a content part object ({{\"type\": \"text\", \"text\": \"…\"}}, …).", partAt);
                    }

                    if (part["type"] is not JsonValue type || !type.TryGetValue<string>(out var kind))
                    {
                        return ChatError.BadRequest($"'{partAt}.type' must be a string.", partAt + ".type");
                    }

                    if (kind == "text" && (part["text"] is not JsonValue value || !value.TryGetValue<string>(out _)))
                    {
                        return ChatError.BadRequest($"'{partAt}.text' must be a string.", partAt + ".text");
                    }
                }

                break;
            default:
                return ChatError.BadRequest($"'{at}.content' must be a string or an array of content parts.", at + ".content");
        }

        if (message["tool_calls"] is { } calls && (calls is not JsonArray array || array.Any(c => c is not JsonObject)))
        {
            return ChatError.BadRequest($"'{at}.tool_calls' must be an array of tool call objects.", at + ".tool_calls");
        }

        return null;
    }

    private static ChatError? InvalidTools(JsonNode? node)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonArray tools)
        {
            return ChatError.BadRequest("'tools' must be an array of tool definitions.", "tools");
        }

        for (var i = 0; i < tools.Count; i++)
        {
            var at = $"tools[{i}]";
            if (tools[i] is not JsonObject tool)
            {
                return ChatError.BadRequest($"'{at}' must be a tool definition object.", at);
            }

            if (tool["type"] is { } type && (type is not JsonValue t || !t.TryGetValue<string>(out _)))
            {
                return ChatError.BadRequest($"'{at}.type' must be a string.", at + ".type");
            }

            var isFunction = tool["type"] is null || (string?)tool["type"] == "function";
            if (!isFunction)
            {
                continue;
            }

            if (tool["function"] is not JsonObject function)
            {
                return ChatError.BadRequest($"'{at}.function' must be an object with a 'name'.", at + ".function");
            }

            if (function["name"] is not JsonValue name || !name.TryGetValue<string>(out var text) || text.Length == 0)
            {
                return ChatError.BadRequest($"'{at}.function.name' must be a non-empty string.", at + ".function.name");
            }

            if (function["parameters"] is { } parameters && parameters is not JsonObject)
            {
                return ChatError.BadRequest($"'{at}.function.parameters' must be a JSON Schema object.", at + ".function.parameters");
            }
        }

        return null;
    }

    private static bool IsAbsentOr<T>(JsonNode? node) => node is null || (node is JsonValue value && value.TryGetValue<T>(out _));

    private static bool IsIntIn(JsonNode? node, int min, int max) =>
        node is null || (node is JsonValue value && value.TryGetValue<int>(out var i) && i >= min && i <= max);

    private static int? Int(JsonObject json, string name) => json[name] is JsonValue value ? value.GetValue<int>() : null;

    /// <summary>
    /// SHA-256 of the body in a canonical form (keys sorted, no insignificant whitespace, strings
    /// escaped one way), so the same request with its keys in another order is the same request.
    /// </summary>
    internal static string CanonicalHash(JsonObject json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(writer, json);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
