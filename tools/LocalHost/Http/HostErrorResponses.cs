using System.Text.Json.Nodes;
using Bourse.LocalHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.LocalHost.Http;

/// <summary>
/// Answers the web server gives on its own (no route for the method, headers or URL too large, a body it
/// cannot read, a function that threw) in the route's error format, never with an empty body: the OpenAI
/// envelope under the chat routes (<c>v1/</c>, <c>x402/</c>), problem details elsewhere. The size limits
/// are checked here, below Kestrel's own (raised so that it leaves them to this), so the answer has a body.
/// </summary>
public static class HostErrorResponses
{
    public const int MaxHeadersTotalBytes = 32 * 1024;
    public const int MaxHeaderCount = 100;
    public const int MaxRequestLineBytes = 8 * 1024;

    private static readonly string[] OpenAIRoutes = ["v1", "x402"];

    /// <summary>Kestrel's hard limits: far above the ones answered here, so only abuse meets its bare answers.</summary>
    public static void RaiseKestrelLimits(KestrelServerOptions options)
    {
        options.Limits.MaxRequestHeadersTotalSize = 16 * MaxHeadersTotalBytes;
        options.Limits.MaxRequestHeaderCount = 10 * MaxHeaderCount;
        options.Limits.MaxRequestLineSize = 8 * MaxRequestLineBytes;
    }

    public static IApplicationBuilder UseHostErrorResponses(this IApplicationBuilder app)
    {
        var prefix = app.ApplicationServices.GetRequiredService<HostSettings>().RoutePrefix;
        app.UseStatusCodePages(context => context.HttpContext.Response.HasStarted ? Task.CompletedTask : WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode, prefix));
        return app.Use(async (context, next) =>
        {
            var request = context.Request;
            var headerBytes = request.Headers.Sum(h => h.Key.Length + 4 + h.Value.Sum(v => v?.Length ?? 0));
            if (request.Headers.Count > MaxHeaderCount || headerBytes > MaxHeadersTotalBytes)
            {
                await WriteAsync(context, StatusCodes.Status431RequestHeaderFieldsTooLarge, prefix);
                return;
            }

            if (request.Path.Value?.Length + request.QueryString.Value?.Length > MaxRequestLineBytes)
            {
                await WriteAsync(context, StatusCodes.Status414UriTooLong, prefix);
                return;
            }

            await next(context);
        });
    }

    /// <summary>Writes <paramref name="status"/> with a body in the route's format (the response must not have started).</summary>
    public static async Task WriteAsync(HttpContext context, int status, string routePrefix, string? detail = null)
    {
        var response = context.Response;
        response.StatusCode = status;
        var message = detail ?? Describe(status);
        var prefix = routePrefix;
        var path = context.Request.Path.Value ?? "";
        var route = path.StartsWith("/" + prefix + "/", StringComparison.OrdinalIgnoreCase) ? path[(prefix.Length + 2)..] : path.TrimStart('/');
        if (OpenAIRoutes.Any(r => route.StartsWith(r + "/", StringComparison.OrdinalIgnoreCase) || route.Equals(r, StringComparison.OrdinalIgnoreCase)))
        {
            response.ContentType = "application/json";
            await response.WriteAsync(new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["message"] = message,
                    ["type"] = status switch { 401 => "authentication_error", 404 => "not_found_error", >= 500 => "server_error", _ => "invalid_request_error" },
                    ["param"] = null,
                    ["code"] = Code(status),
                },
            }.ToJsonString());
            return;
        }

        response.ContentType = "application/problem+json";
        await response.WriteAsync(new JsonObject
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = message,
            ["status"] = status,
        }.ToJsonString());
    }

    private static string Describe(int status) => status switch
    {
        400 => "The request could not be read.",
        404 => "There is no such route.",
        405 => "This route does not take that HTTP method.",
        413 => "The request body is too large.",
        414 => $"The URL is longer than {MaxRequestLineBytes} bytes.",
        431 => $"The request headers are larger than {MaxHeadersTotalBytes} bytes or more than {MaxHeaderCount}.",
        >= 500 => "The server failed on this request. Nothing was charged for it.",
        _ => ReasonPhrases.GetReasonPhrase(status),
    };

    private static string Code(int status) => status switch
    {
        400 => "bad_request",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "request_too_large",
        414 => "uri_too_long",
        431 => "request_header_fields_too_large",
        >= 500 => "internal_error",
        _ => "http_" + status,
    };
}
