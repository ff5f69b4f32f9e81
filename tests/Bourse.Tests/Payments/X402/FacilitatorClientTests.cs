using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Bourse.Payments.X402;
using Microsoft.Extensions.Logging.Abstractions;
using NSec.Cryptography;

namespace Bourse.Tests.Payments.X402;

public sealed class FacilitatorClientTests
{
    private const string SettleOk = """{"success":true,"transaction":"5sig","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1","payer":"payer1"}""";
    private const string VerifyOk = """{"isValid":true,"payer":"payer1"}""";

    [Fact]
    public async Task VerifyAsync_429WithRetryAfter_WaitsThenRetries()
    {
        var handler = new FakeFacilitatorHandler((_, n, _) => Task.FromResult(n == 1
            ? FakeFacilitatorHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1))
            : FakeFacilitatorHandler.Json(VerifyOk)));
        using var client = Client(handler);
        var watch = Stopwatch.StartNew();

        var result = await client.VerifyAsync(Request());

        Assert.True(result.Value!.IsValid);
        Assert.Equal(2, handler.Calls("verify"));
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(900), $"waited only {watch.Elapsed}");
    }

    [Fact]
    public async Task VerifyAsync_RetryAfterLongerThanAllowed_FailsRateLimitedWithoutWaiting()
    {
        var handler = new FakeFacilitatorHandler((_, _, _) => Task.FromResult(FakeFacilitatorHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.FromMinutes(5))));
        using var client = Client(handler);

        var result = await client.VerifyAsync(Request());

        Assert.Equal(FacilitatorError.RateLimited, result.Error);
        Assert.Equal(1, handler.Calls("verify"));
    }

    [Fact]
    public async Task VerifyAsync_5xxThenOk_Retries()
    {
        var handler = new FakeFacilitatorHandler((_, n, _) => Task.FromResult(n < 3
            ? FakeFacilitatorHandler.Status(HttpStatusCode.BadGateway)
            : FakeFacilitatorHandler.Json(VerifyOk)));
        using var client = Client(handler);

        var result = await client.VerifyAsync(Request());

        Assert.True(result.IsSuccess);
        Assert.Equal(3, handler.Calls("verify"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task SettleAsync_5xx_IsNotRetriedAndIsAmbiguous(HttpStatusCode status)
    {
        var handler = new FakeFacilitatorHandler((_, _, _) => Task.FromResult(FakeFacilitatorHandler.Status(status)));
        using var client = Client(handler);

        var result = await client.SettleAsync(Request());

        Assert.Equal(1, handler.Calls("settle"));
        Assert.Equal(FacilitatorError.Unavailable, result.Error);
        Assert.True(result.IsAmbiguous);
    }

    [Fact]
    public async Task SettleAsync_Timeout_IsNotRetriedAndIsAmbiguous()
    {
        var handler = new FakeFacilitatorHandler(async (_, _, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return FakeFacilitatorHandler.Json(SettleOk);
        });
        using var client = Client(handler, settleTimeout: TimeSpan.FromMilliseconds(200));

        var result = await client.SettleAsync(Request());

        Assert.Equal(1, handler.Calls("settle"));
        Assert.Equal(FacilitatorError.Timeout, result.Error);
        Assert.True(result.IsAmbiguous);
    }

    [Fact]
    public async Task SettleAsync_429_IsRetried()
    {
        var handler = new FakeFacilitatorHandler((_, n, _) => Task.FromResult(n == 1
            ? FakeFacilitatorHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.Zero)
            : FakeFacilitatorHandler.Json(SettleOk)));
        using var client = Client(handler);

        var result = await client.SettleAsync(Request());

        Assert.Equal(2, handler.Calls("settle"));
        Assert.Equal("5sig", result.Value!.Transaction);
    }

    [Fact]
    public async Task SettleAsync_ErrorStatusWithSettleBody_IsAnAnswer()
    {
        var handler = new FakeFacilitatorHandler((_, _, _) => Task.FromResult(FakeFacilitatorHandler.Json(
            """{"success":false,"errorReason":"invalid_exact_svm_payload_transaction_simulation_failed","transaction":"","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"}""",
            HttpStatusCode.BadRequest)));
        using var client = Client(handler);

        var result = await client.SettleAsync(Request());

        Assert.False(result.Value!.Success);
        Assert.Equal("invalid_exact_svm_payload_transaction_simulation_failed", result.Value.ErrorReason);
        Assert.False(result.IsAmbiguous);
    }

    [Fact]
    public async Task GetSupportedAsync_WithPayAiKey_SendsFreshBearerJwtPerAttempt()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var handler = new FakeFacilitatorHandler((_, n, _) => Task.FromResult(n == 1
            ? FakeFacilitatorHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.Zero)
            : FakeFacilitatorHandler.Json("""{"kinds":[],"extensions":[],"signers":{}}""")));
        var options = X402TestData.Options();
        using var client = Client(handler, options: new X402Options
        {
            TreasuryAddress = options.TreasuryAddress,
            PayAiKeyId = "kid-1",
            PayAiKeySecret = "payai_sk_" + Convert.ToBase64String(key.Export(KeyBlobFormat.PkixPrivateKey)),
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        });

        await client.GetSupportedAsync();

        var tokens = handler.Requests.Select(r => r.Headers.Authorization).ToList();
        Assert.All(tokens, t => Assert.Equal("Bearer", t!.Scheme));
        Assert.Equal(2, tokens.Select(t => t!.Parameter).Distinct().Count());
    }

    [Fact]
    public async Task GetSupportedAsync_NoKey_SendsNoAuthorization()
    {
        var handler = new FakeFacilitatorHandler((_, _, _) => Task.FromResult(FakeFacilitatorHandler.Json("""{"kinds":[]}""")));
        using var client = Client(handler);

        var result = await client.GetSupportedAsync();

        Assert.NotNull(result.Value);
        Assert.Null(handler.Requests.Single().Headers.Authorization);
    }

    internal static FacilitatorClient Client(HttpMessageHandler handler, TimeSpan? settleTimeout = null, X402Options? options = null)
    {
        var o = options ?? new X402Options
        {
            TreasuryAddress = X402TestData.Treasury,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
            FacilitatorTimeout = TimeSpan.FromSeconds(5),
            SettleTimeout = settleTimeout ?? TimeSpan.FromSeconds(5),
            FacilitatorUrl = new Uri("http://facilitator.test/"),
        };
        return new FacilitatorClient(new HttpClient(handler), X402TestData.Wrap(o), TimeProvider.System, NullLogger<FacilitatorClient>.Instance);
    }

    private static FacilitatorRequest Request()
    {
        using var doc = JsonDocument.Parse("{}");
        return new FacilitatorRequest(2, doc.RootElement.Clone(), doc.RootElement.Clone());
    }
}
