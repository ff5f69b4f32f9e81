using Bourse.Payments.X402;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Bourse.Functions.X402;

/// <summary>Discovery: the OpenAPI 3.1 document of the x402 endpoint (agents, pay.sh).</summary>
public sealed class X402OpenApiFunction(IOptions<X402Options> options)
{
    [Function("X402OpenApi")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/x402/openapi.json")] HttpRequest request)
    {
        var origin = options.Value.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host.Value}";
        var document = X402OpenApiDocument.Create(options.Value, new Uri($"{origin}/api"));
        return Results.Text(document.ToJsonString(), "application/json", statusCode: StatusCodes.Status200OK);
    }
}
