using System.Net;
using System.Text.Json;
using Bourse.ChainIndex;
using Bourse.Market;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;

namespace Bourse.Tests.Market;

/// <summary>
/// The market API on the running stack: listings seeded on the local chain and indexed by the indexer, volumes
/// from the settlement ledger; after a transfer into a vault, a burn and one indexer cycle, the figures equal
/// what the chain's RPC says.
/// </summary>
public sealed class MarketApiTests
{
    private const string DeepSeek = "deepseek-ai/DeepSeek-R1";

    [Fact]
    public async Task Market_ListsEveryListingThenPreviews_Cacheable()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{LocalStack.Instance.Api}/market");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        using var again = new HttpRequestMessage(HttpMethod.Get, $"{LocalStack.Instance.Api}/market");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var notModified = await http.SendAsync(again);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=15, stale-while-revalidate=60", response.Headers.CacheControl!.ToString().Replace(" ", "", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        var listings = body.GetProperty("listings").EnumerateArray().ToDictionary(l => l.GetProperty("modelId").GetString()!);
        foreach (var seeded in LocalStack.Instance.Chain.GetProperty("models").EnumerateArray())
        {
            var card = listings[seeded.GetProperty("id").GetString()!];
            Assert.Equal(seeded.GetProperty("mint").GetString(), card.GetProperty("mint").GetString());
            Assert.Equal(seeded.GetProperty("tokenProgram").GetString(), card.GetProperty("tokenProgram").GetString());
            Assert.Equal(seeded.GetProperty("vaultUsdcAccount").GetString(), card.GetProperty("vault").GetString());
            Assert.Equal(seeded.GetProperty("track").GetString(), card.GetProperty("track").GetString());
            Assert.True(card.GetProperty("supply").GetInt64() > 0, "indexed at start");
            Assert.Equal(JsonValueKind.Number, card.GetProperty("vaultBalance").ValueKind);
            Assert.Equal(JsonValueKind.Object, card.GetProperty("volume30d").ValueKind);
        }

        Assert.Equal(50, listings[DeepSeek].GetProperty("transferFeeBps").GetInt32()); // the seeded Token-2022 fee
        Assert.True(listings[DeepSeek].GetProperty("withheldFees").GetInt64() >= 0); // Token-2022 with a fee: withheld fees are reported
        Assert.False(listings["google/gemma-3-27b-it"].TryGetProperty("withheldFees", out _)); // SPL: no transfer fee, none (nulls are left out)
        var previews = body.GetProperty("previews").EnumerateArray().Select(p => p.GetProperty("modelId").GetString()).ToList();
        Assert.Contains("deepseek-chat", previews);
        Assert.DoesNotContain(DeepSeek, previews);
    }

    [Fact]
    public async Task MarketModel_AfterATransferABurnAndOneIndexerCycle_AgreesWithTheChain()
    {
        var chain = new LocalChain();
        using var payer = Keypair.FromSecretKey([.. LocalStack.Instance.Chain.GetProperty("payerKeypair").EnumerateArray().Select(b => b.GetByte())]);
        var model = LocalStack.Instance.Chain.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == DeepSeek);
        var vault = PublicKey.Parse(model.GetProperty("vaultUsdcAccount").GetString()!);
        var mint = PublicKey.Parse(model.GetProperty("mint").GetString()!);
        var usdc = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));
        var burnAmount = (ulong)Random.Shared.Next(1_000, 90_000);
        await chain.ConfirmAsync(payer, [],
            TokenProgram.TransferChecked(PublicKey.Parse(LocalStack.Instance.ChainAddress("payerUsdcAccount")), usdc, vault, payer.PublicKey, 1_234_567, 6),
            TokenProgram.BurnChecked(PublicKey.Parse(LocalStack.Instance.ChainAddress("payerDeepseekAccount")), mint, payer.PublicKey, burnAmount, 6, ProgramIds.Token2022));
        var burnSignature = (await chain.Rpc.GetSignaturesForAddressAsync(mint.ToString(), limit: 1)).GetValueOrThrow()[0].Signature;

        await RunIndexerAsync();
        var balance = (await chain.Rpc.GetTokenAccountBalanceAsync(vault.ToString())).GetValueOrThrow().Value.RawAmount;
        var supply = (await chain.Rpc.GetTokenSupplyAsync(mint.ToString())).GetValueOrThrow().Value.RawAmount;
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{LocalStack.Instance.Api}/market/{DeepSeek}");
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var card = detail.GetProperty("listing");
        Assert.Equal((long)balance, card.GetProperty("vaultBalance").GetInt64());
        Assert.Equal((long)supply, card.GetProperty("supply").GetInt64());
        var burn = detail.GetProperty("burns").EnumerateArray().Single(b => b.GetProperty("signature").GetString() == burnSignature);
        Assert.Equal((long)burnAmount, burn.GetProperty("amount").GetInt64());
        Assert.True(card.GetProperty("burned").GetInt64() >= (long)burnAmount);
        var supplyByDay = detail.GetProperty("supply").EnumerateArray().ToList();
        Assert.Equal(30, supplyByDay.Count);
        Assert.Equal((long)supply, supplyByDay[^1].GetProperty("supply").GetInt64());
    }

    [Fact]
    public async Task MarketModel_Days_AreThirtyConsecutiveUtcDaysEndingTodayAndSumToTheMonth()
    {
        var account = await Routing.TestAccount.CreateAsync();
        using var http = new HttpClient();
        using var call = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"google/gemma-3-27b-it","messages":[{"role":"user","content":"market volume"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        call.Headers.Authorization = new("Bearer", account.ApiKey);
        (await http.SendAsync(call)).EnsureSuccessStatusCode();

        JsonElement detail = default;
        for (var i = 0; i < 100; i++) // settlement is off the response path: wait for it to post
        {
            detail = JsonDocument.Parse(await http.GetStringAsync($"{LocalStack.Instance.Api}/market/google%2Fgemma-3-27b-it")).RootElement;
            if (detail.GetProperty("days")[29].GetProperty("calls").GetInt64() > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        var days = detail.GetProperty("days").EnumerateArray().ToList();
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        Assert.Equal(30, days.Count);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => today.AddDays(i - 29)), days.Select(d => DateOnly.Parse(d.GetProperty("day").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.True(days[29].GetProperty("calls").GetInt64() > 0);
        var month = detail.GetProperty("listing").GetProperty("volume30d");
        Assert.Equal(days.Sum(d => d.GetProperty("calls").GetInt64()), month.GetProperty("calls").GetInt64());
        Assert.Equal(days.Sum(d => d.GetProperty("revenue").GetInt64()), month.GetProperty("revenue").GetInt64());
        Assert.True(detail.GetProperty("listing").GetProperty("volume24h").GetProperty("calls").GetInt64() > 0);
    }

    [Fact]
    public async Task MarketModel_Unknown_Is404ProblemDetails()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{LocalStack.Instance.Api}/market/no-such/model");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public void SupplyByDay_WorksBackFromTodaysSupply()
    {
        var now = new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
        ChainFact Fact(ChainFactKind kind, long amount, DateTimeOffset at) => new("mint", "sig" + at.Ticks, "0", kind, "m", amount, null, null, null, null, 1, at);
        List<ChainFact> history = [Fact(ChainFactKind.Burn, 100, now.AddHours(-1)), Fact(ChainFactKind.Mint, 1_000, now.AddDays(-1)), Fact(ChainFactKind.Burn, 7, now.AddDays(-2))];
        DateOnly[] days = [new(2026, 11, 25), new(2026, 11, 26), new(2026, 11, 27), new(2026, 11, 28)];

        var points = MarketReader.SupplyByDay(10_000, history, days, now);

        Assert.Equal([10_000 - 1_000 + 100 + 7, 10_000 - 1_000 + 100, 10_000 + 100, 10_000], points.Select(p => p.Supply));
    }

    private static async Task RunIndexerAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"{LocalStack.Instance.Admin}/functions/IndexChain", new StringContent(""));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
