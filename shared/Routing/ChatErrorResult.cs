using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Bourse.Routing;

/// <summary>A <see cref="ChatError"/> as HTTP: the OpenAI envelope <c>{"error":{"message","type","param","code"}}</c>, <c>Retry-After</c> when known.</summary>
public static class ChatErrorResult
{
    public static IResult For(ChatError error, string requestId) => new Result(error, requestId);

    public static JsonObject Envelope(ChatError error) => new()
    {
        ["error"] = new JsonObject
        {
            ["message"] = error.Message,
            ["type"] = error.Type,
            ["param"] = error.Param,
            ["code"] = error.Code,
        },
    };

    private sealed class Result(ChatError error, string requestId) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = error.Status;
            response.Headers[RoutingHeaders.RequestId] = requestId;
            if (error.RetryAfter is { } retryAfter)
            {
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }

            response.ContentType = "application/json";
            await response.WriteAsync(Envelope(error).ToJsonString());
        }
    }
}
