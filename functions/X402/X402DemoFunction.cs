using System.Net;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Bourse.Demo;
using Bourse.Json;
using Bourse.Payments.X402;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Bourse.Functions.X402;

/// <summary>
/// <c>POST /api/x402/demo</c> <c>{"model"?}</c>: the live demo of <c>/docs/x402</c>. The server's demo
/// wallet pays a real x402 call on this app's own rail; the answer comes back with the USDC paid, the
/// payee and the transaction signature. Off (404) unless <c>X402Demo:PayerKeypair</c> is set; limited
/// per client address and per UTC day (429 with Retry-After). Errors are problem details.
/// </summary>
public sealed class X402DemoFunction(X402DemoPayer payer, X402DemoLimits limits, ModelCatalog catalog, IOptions<X402DemoOptions> options, IOptions<X402Options> x402)
{
    [Function("X402Demo")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/x402/demo")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var outcome = await RunAsync(request, cancellationToken);
        if (outcome is { Status: X402DemoStatus.Paid, Receipt: { } receipt })
        {
            return Results.Json(receipt, BourseJsonContext.Default.X402DemoReceipt);
        }

        if (outcome.RetryAfter is { } wait)
        {
            request.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (status, title) = outcome.Status switch
        {
            X402DemoStatus.Off => (StatusCodes.Status404NotFound, "The x402 live demo is off on this deployment."),
            X402DemoStatus.BadRequest => (StatusCodes.Status400BadRequest, "The demo request is not valid."),
            X402DemoStatus.ClientLimited => (StatusCodes.Status429TooManyRequests, "Too many demo calls from your address."),
            X402DemoStatus.DailyCapReached => (StatusCodes.Status429TooManyRequests, "The demo's calls for today are used up."),
            X402DemoStatus.NoPayableQuote => (StatusCodes.Status502BadGateway, "The x402 rail gave no payable quote."),
            _ => (StatusCodes.Status502BadGateway, "The demo payment did not go through."),
        };
        return Results.Problem(statusCode: status, title: title, detail: outcome.Detail);
    }

    private async Task<X402DemoOutcome> RunAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!payer.IsEnabled)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.Off, "Set X402Demo:PayerKeypair to a funded wallet to turn it on.");
        }

        string? model;
        try
        {
            var body = request.ContentLength is 0 ? null : await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
            model = body?["model"] is JsonValue v && v.TryGetValue<string>(out var m) && m.Length > 0 ? m : options.Value.DefaultModel;
        }
        catch (System.Text.Json.JsonException)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.BadRequest, "The body must be JSON: {\"model\": \"<a model id>\"} or empty.");
        }

        if (catalog.Find(model) is null)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.BadRequest, $"'{model}' is not a model of the catalog (GET /api/models).");
        }

        if (limits.TakeClientCall(ClientAddress(request)) is { } wait)
        {
            return X402DemoOutcome.Failed(X402DemoStatus.ClientLimited, $"The demo allows {options.Value.CallsPerClient} calls per {options.Value.ClientWindow:g} per address; try again later.", wait);
        }

        if (!await limits.TakeDailyCallAsync(cancellationToken))
        {
            return X402DemoOutcome.Failed(X402DemoStatus.DailyCapReached, $"The demo pays for {options.Value.CallsPerDay} calls per UTC day; try again tomorrow, or pay with your own x402 client.");
        }

        return await payer.PayAsync(RailUrl(request), model, cancellationToken);
    }

    private Uri RailUrl(HttpRequest request)
    {
        if (options.Value.RailUrl is { } configured)
        {
            return configured;
        }

        var origin = x402.Value.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host.Value}";
        return new Uri($"{origin}/api/x402/v1/chat/completions");
    }

    /// <summary>The client's address: the last X-Forwarded-For hop (the one Azure's front end adds), else the connection's.</summary>
    private static string ClientAddress(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (last is not null && IPEndPoint.TryParse(last, out var endpoint))
        {
            return endpoint.Address.ToString();
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
