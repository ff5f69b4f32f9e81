using Bourse.Payments.X402;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.X402;

/// <summary>CORS preflight for browser agents: the payment headers may be sent, the payment responses read.</summary>
public sealed class X402PreflightFunction
{
    [Function("X402ChatCompletionsPreflight")]
    public static IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "options", Route = "api/x402/v1/chat/completions")] HttpRequest request)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers.AccessControlAllowMethods = "POST, OPTIONS";
        headers.AccessControlAllowHeaders = "content-type, " + X402Headers.AllowedRequestHeaders;
        headers.AccessControlExposeHeaders = X402Headers.ExposedResponseHeaders;
        headers.AccessControlMaxAge = "600";
        return Results.NoContent();
    }
}
