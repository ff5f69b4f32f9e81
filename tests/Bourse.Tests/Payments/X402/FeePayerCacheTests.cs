using System.Net;
using Bourse.Payments.X402;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Payments.X402;

public sealed class FeePayerCacheTests
{
    private static string Supported(string feePayer) =>
        $$$"""{"kinds":[{"x402Version":1,"scheme":"exact","network":"solana-devnet","extra":{"feePayer":"v1only"}},{"x402Version":2,"scheme":"exact","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1","extra":{"feePayer":"{{{feePayer}}}"}}],"extensions":[],"signers":{"solana:*":["{{{feePayer}}}"]}}""";

    [Fact]
    public async Task GetAsync_WithinRefreshInterval_AsksOnce()
    {
        var (cache, handler, time) = Create((_, n) => FakeFacilitatorHandler.Json(Supported($"payer{n}")));

        Assert.Equal("payer1", await cache.GetAsync());
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("payer1", await cache.GetAsync());
        Assert.Equal(1, handler.Calls("supported"));

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("payer2", await cache.GetAsync());
    }

    [Fact]
    public async Task Invalidate_FeePayerNotManaged_NextCallRefreshes()
    {
        var (cache, handler, _) = Create((_, n) => FakeFacilitatorHandler.Json(Supported($"payer{n}")));
        await cache.GetAsync();

        cache.Invalidate();

        Assert.Equal("payer2", await cache.GetAsync());
        Assert.Equal(2, handler.Calls("supported"));
    }

    [Fact]
    public async Task GetAsync_FacilitatorDownAfterFirstAnswer_ServesStaleValue()
    {
        var (cache, _, time) = Create((_, n) => n == 1 ? FakeFacilitatorHandler.Json(Supported("payer1")) : FakeFacilitatorHandler.Status(HttpStatusCode.ServiceUnavailable));
        await cache.GetAsync();
        time.Advance(TimeSpan.FromHours(1));

        Assert.Equal("payer1", await cache.GetAsync());
    }

    [Fact]
    public async Task GetAsync_NeverAnswered_ReturnsNull()
    {
        var (cache, _, _) = Create((_, _) => FakeFacilitatorHandler.Status(HttpStatusCode.ServiceUnavailable));

        Assert.Null(await cache.GetAsync());
    }

    [Fact]
    public void Select_NoV2Kind_FallsBackToSigners()
    {
        var supported = new SupportedResponse([], Signers: new Dictionary<string, IReadOnlyList<string>> { ["solana:*"] = ["signerA"] });

        Assert.Equal("signerA", FeePayerCache.Select(supported, X402Networks.SolanaDevnet));
    }

    private static (FeePayerCache Cache, FakeFacilitatorHandler Handler, FakeTimeProvider Time) Create(Func<string, int, HttpResponseMessage> reply)
    {
        var handler = new FakeFacilitatorHandler((path, n, _) => Task.FromResult(reply(path, n)));
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var options = new X402Options
        {
            TreasuryAddress = X402TestData.Treasury,
            FacilitatorUrl = new Uri("http://facilitator.test"),
            MaxRetries = 0,
        };
        var client = new FacilitatorClient(new HttpClient(handler), X402TestData.Wrap(options), time, NullLogger<FacilitatorClient>.Instance);
        return (new FeePayerCache(client, X402TestData.Wrap(options), time, NullLogger<FeePayerCache>.Instance), handler, time);
    }
}
