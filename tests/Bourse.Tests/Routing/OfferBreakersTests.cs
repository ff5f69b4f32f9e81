using Bourse.Catalog;
using Bourse.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bourse.Tests.Routing;

/// <summary>An offer's breaker opens on what the provider caused, never because callers went away.</summary>
public sealed class OfferBreakersTests
{
    private static readonly ProviderOffer Offer = new() { Provider = "DeepSeek", UpstreamModel = "deepseek-chat" };

    [Fact]
    public async Task For_CallersCancelling_NeverOpenTheBreaker()
    {
        using var breakers = Breakers();

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
                await breakers.For(Offer).ExecuteAsync<HttpResponseMessage>(_ => throw new OperationCanceledException()));
        }

        using var served = await breakers.For(Offer).ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)));
        Assert.True(served.IsSuccessStatusCode);
    }

    [Fact]
    public async Task For_ProviderTimeoutsAndConnectErrors_OpenTheBreaker()
    {
        using var breakers = Breakers();

        await Assert.ThrowsAsync<TimeoutException>(async () => await breakers.For(Offer).ExecuteAsync<HttpResponseMessage>(_ => throw new TimeoutException()));
        await Assert.ThrowsAsync<HttpRequestException>(async () => await breakers.For(Offer).ExecuteAsync<HttpResponseMessage>(_ => throw new HttpRequestException()));
        await Assert.ThrowsAsync<TimeoutException>(async () => await breakers.For(Offer).ExecuteAsync<HttpResponseMessage>(_ => throw new TimeoutException()));

        await Assert.ThrowsAsync<BrokenCircuitException>(async () =>
            await breakers.For(Offer).ExecuteAsync(_ => ValueTask.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK))));
    }

    private static OfferBreakers Breakers() => new(Options.Create(new RoutingOptions()), new FakeTimeProvider(TimeProvider.System.GetUtcNow()));
}
