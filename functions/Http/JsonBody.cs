using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bourse.Functions.Http;

/// <summary>Reads a small JSON object body; null when it is missing, too large or not an object.</summary>
internal static class JsonBody
{
    private const int MaxBytes = 16 * 1024;

    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0 or > MaxBytes)
        {
            return null;
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[4096];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBytes)
                {
                    return null;
                }
            }

            return buffer.Length == 0 ? null : JsonNode.Parse(buffer.ToArray()) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? String(JsonObject body, string name) =>
        body[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>An integer property; null when absent or not an integer.</summary>
    public static long? Integer(JsonObject body, string name) =>
        body[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n : null;
}
