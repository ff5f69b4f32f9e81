using System.Net;
using Bourse.Catalog;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;

namespace Bourse.Routing;

/// <summary>
/// A circuit breaker per offer: an offer that keeps failing (connect errors, its timeouts, 429, 5xx) is skipped,
/// uncalled, while it cools down. Only what the provider caused counts: never a caller hanging up.
/// </summary>
public sealed class OfferBreakers(IOptions<RoutingOptions> options, TimeProvider time) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public ResiliencePipeline<HttpResponseMessage> For(ProviderOffer offer) =>
        _registry.GetOrAddPipeline<HttpResponseMessage>(offer.QualifiedId, builder =>
        {
            builder.TimeProvider = time;
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = options.Value.BreakerFailureRatio,
                MinimumThroughput = options.Value.BreakerMinimumThroughput,
                SamplingDuration = options.Value.BreakerSamplingDuration,
                BreakDuration = options.Value.BreakerDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result: { } response } => IsFailure(response.StatusCode),
                    // A cancellation is the caller leaving (the router turns its own first-byte timeout into a TimeoutException).
                    { Exception: HttpRequestException or TimeoutException } => true,
                    _ => false,
                }),
            });
        });

    public void Dispose() => _registry.Dispose();

    /// <summary>What makes the router try the next offer: the provider could not or would not serve, not a bad request.</summary>
    public static bool IsFailure(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;
}
