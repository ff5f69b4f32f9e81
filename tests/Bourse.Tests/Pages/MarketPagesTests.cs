using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bourse.Tests.Pages;

/// <summary>
/// The market and creator pages in a real headless Chromium on the running local stack: the cards show
/// what <c>GET /api/market</c> says, a model page charts 30 days and lists real signatures, the apply
/// form shows the API's validation, the x402 demo pays on chain, and a card follows the vault without a
/// reload. Each page is also screenshotted (desktop and phone width) and must log no console error.
/// </summary>
public sealed class MarketPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    /// <summary>The model the tests pay: not Gemma, whose vault the x402 client tests measure exactly.</summary>
    private const string PaidModel = "deepseek-ai/DeepSeek-R1";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(120) };

    private static LocalStack Stack => LocalStack.Instance;

    [Fact]
    public async Task MarketPage_Cards_ShowTheFiguresOfTheMarketApi()
    {
        await using var tab = await browser.OpenAsync();
        using var api = await Http.GetAsync($"{Stack.Api}/market");
        await tab.Page.GotoAsync("/market");
        var status = tab.Page.Locator("#status");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(ok|empty|error)$"));

        if (api.StatusCode == HttpStatusCode.NotFound)
        {
            // No market API on this stack: the page says so instead of showing nothing.
            await Assertions.Expect(status).ToHaveAttributeAsync("data-state", "error");
            await Assertions.Expect(status).ToContainTextAsync("not available");
            await tab.ScreenshotAsync("market");
            tab.AssertNoConsoleErrors(404);
            return;
        }

        api.EnsureSuccessStatusCode();
        var market = JsonNode.Parse(await api.Content.ReadAsStringAsync())!;
        var listings = Listings(market);
        Assert.NotEmpty(listings);
        await Assertions.Expect(tab.Page.Locator("article.card:not(.preview)")).ToHaveCountAsync(listings.Count);
        foreach (var listing in listings)
        {
            var id = (string)listing["modelId"]!;
            var card = tab.Page.Locator($"article.card:not(.preview)[data-model-id=\"{id}\"]"); // a delisted model also has a preview card
            await Assertions.Expect(card).ToBeVisibleAsync();
            var decimals = (int?)listing["decimals"] ?? 6;
            foreach (var (field, property, format) in CardFigures(decimals))
            {
                var raw = Raw(listing, property);
                var dd = card.Locator($"[data-field=\"{field}\"] dd");
                await Assertions.Expect(dd).ToHaveAttributeAsync("data-value", raw ?? "");
                if (raw is not null)
                {
                    await Assertions.Expect(dd).ToHaveTextAsync(format(raw));
                }
            }

            if ((string?)listing["mint"] is { } mint)
            {
                await Assertions.Expect(card.Locator($"a[data-mint=\"{mint}\"]")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"explorer.solana.com/address/{mint}"));
            }

            await Assertions.Expect(card.Locator(".spark canvas")).ToHaveCountAsync(1);
            await Assertions.Expect(card.Locator(".spark")).ToHaveAttributeAsync("data-points", "30");
        }

        // Sorted by 30-day revenue, highest first. Other tests earn revenue meanwhile and the page refreshes in
        // place (every 15 s): the order is compared with the API read at the same moment, until a refresh caught up.
        string[] shown = [], expected = [];
        for (var attempt = 0; attempt < 40; attempt++)
        {
            shown = await tab.Page.Locator("article.card:not(.preview)").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.modelId)");
            expected = listings.OrderByDescending(l => System.Numerics.BigInteger.Parse(Raw(l, "volume30d.revenue") ?? "0")).ThenBy(l => (string)l["modelId"]!, StringComparer.Ordinal).Select(l => (string)l["modelId"]!).ToArray();
            if (expected.SequenceEqual(shown))
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            using var fresh = await Http.GetAsync($"{Stack.Api}/market");
            listings = Listings(JsonNode.Parse(await fresh.Content.ReadAsStringAsync())!);
        }

        Assert.Equal(expected, shown);

        await tab.ScreenshotAsync("market");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ModelPage_ChartHas30Days_AndTheHistoryListsARealSignature()
    {
        var model = Model("google/gemma-3-27b-it");
        var burn = await BurnAsync(model, 1_000);
        Assert.True(await RunIndexerAsync(), "the indexer app has no timer function to run");

        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync($"/market/{(string)model["id"]!}");
        await Assertions.Expect(tab.Page.Locator("#model-title")).ToHaveTextAsync((string)model["id"]!);
        using var api = await Http.GetAsync($"{Stack.Api}/market/{(string)model["id"]!}");
        if (api.StatusCode == HttpStatusCode.NotFound)
        {
            // No market API on this stack (Gemma is listed, so a 404 means no API): the page says it cannot show the model.
            await Assertions.Expect(tab.Page.Locator("#status")).ToHaveAttributeAsync("data-state", "error");
            await tab.ScreenshotAsync("model");
            tab.AssertNoConsoleErrors(404);
            return;
        }

        api.EnsureSuccessStatusCode();
        await Assertions.Expect(tab.Page.Locator("#revenue-chart")).ToHaveAttributeAsync("data-days", "30");
        await Assertions.Expect(tab.Page.Locator("#revenue-chart")).ToHaveAttributeAsync("data-points", "30");
        await Assertions.Expect(tab.Page.Locator("#revenue-chart canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(tab.Page.Locator("#revenue-table tbody tr")).ToHaveCountAsync(30);
        var days = await tab.Page.Locator("#revenue-table tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.day)");
        var today = TimeProvider.System.GetUtcNow().UtcDateTime.Date;
        Assert.Contains(days[0], new[] { today.ToString("yyyy-MM-dd"), today.AddDays(-1).ToString("yyyy-MM-dd") });
        Assert.Equal(30, days.Distinct().Count());

        var row = tab.Page.Locator($"#history tr[data-signature=\"{burn}\"]");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("a.signature")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"/tx/{burn}"));
        Assert.True(await SignatureIsOnChainAsync(burn), $"{burn} is not a transaction on the local chain");

        await tab.ScreenshotAsync("model");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task ApplyPage_BadInput_ShowsTheApiMessages_GoodInput_GetsAnApplicationId()
    {
        await using var tab = await browser.OpenAsync(clientAddress: $"198.51.100.{Random.Shared.Next(1, 255)}");
        await tab.Page.GotoAsync("/creators/apply");
        await Assertions.Expect(tab.Page.Locator("#modelId option")).Not.ToHaveCountAsync(1); // the catalog loaded
        await Assertions.Expect(tab.Page.Locator("#mint-row")).ToBeHiddenAsync();

        using var probe = await Http.PostAsync($"{Stack.Api}/creators/apply", JsonContent.Create(new { }));
        if (probe.StatusCode == HttpStatusCode.NotFound)
        {
            // No applications API on this stack: the form says applications are not open.
            await tab.Page.ClickAsync("button[type=submit]");
            await Assertions.Expect(tab.Page.Locator("#status")).ToContainTextAsync("not open");
            await tab.ScreenshotAsync("apply");
            tab.AssertNoConsoleErrors(404);
            return;
        }

        // Bad: no model, a link that is not a URL, a fee out of bounds, track B without a mint.
        await tab.Page.FillAsync("#link", "not a link");
        await tab.Page.FillAsync("#modelFeeBps", "999999");
        await tab.Page.CheckAsync("input[name=track][value=B]");
        await Assertions.Expect(tab.Page.Locator("#mint-row")).ToBeVisibleAsync();
        await tab.Page.ClickAsync("button[type=submit]");
        await Assertions.Expect(tab.Page.Locator("#status")).ToHaveAttributeAsync("data-state", "error");
        await Assertions.Expect(tab.Page.Locator(".field-error").First).ToBeVisibleAsync();
        Assert.True(await tab.Page.Locator("[aria-invalid=true]").CountAsync() >= 2, "the invalid fields are marked");
        await Assertions.Expect(tab.Page.Locator("#application-id")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("apply-invalid");

        // Good.
        var model = await tab.Page.Locator("#modelId option:not([value=''])").EvaluateAllAsync<string[]>("options => options.filter(o => !o.textContent.includes('already listed')).map(o => o.value)");
        await tab.Page.SelectOptionAsync("#modelId", model[0]);
        await tab.Page.FillAsync("#link", "https://huggingface.co/example/model");
        await tab.Page.FillAsync("#description", "A model that answers in haiku, served by two providers.");
        await tab.Page.FillAsync("#contact", "creator@example.com");
        await tab.Page.CheckAsync("input[name=track][value=A]");
        await tab.Page.FillAsync("#modelFeeBps", "300");
        await tab.Page.ClickAsync("button[type=submit]");
        await Assertions.Expect(tab.Page.Locator("#application-id")).ToBeVisibleAsync();
        Assert.False(string.IsNullOrEmpty(await tab.Page.Locator("#application-id").GetAttributeAsync("data-id")));
        await Assertions.Expect(tab.Page.Locator(".field-error")).ToHaveCountAsync(0);
        await tab.ScreenshotAsync("apply");
        tab.AssertNoConsoleErrors(400);
    }

    [Fact]
    public async Task X402DocsPage_LiveDemo_PaysTheVaultOnChain_AndShowsTheReceipt()
    {
        var model = Model(PaidModel);
        var vault = (string)model["vaultUsdcAccount"]!;
        var before = await UsdcBalanceAsync(vault);

        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync("/docs/x402");
        await Assertions.Expect(tab.Page.Locator("#demo-model option[value=\"google/gemma-3-27b-it\"]")).ToHaveAttributeAsync("selected", "");
        await Assertions.Expect(tab.Page.Locator($"#demo-model option[value=\"{PaidModel}\"]")).ToHaveCountAsync(1);
        await tab.Page.SelectOptionAsync("#demo-model", PaidModel);
        await tab.Page.ClickAsync("#demo-form button[type=submit]");
        var signature = tab.Page.Locator("#demo-result a.signature");
        await Assertions.Expect(signature).ToBeVisibleAsync(new() { Timeout = 60_000 });

        var sig = (await signature.GetAttributeAsync("data-signature"))!;
        var amount = (await tab.Page.Locator("#demo-result").GetAttributeAsync("data-amount"))!;
        await Assertions.Expect(tab.Page.Locator("#demo-answer")).ToContainTextAsync(PaidModel);
        await Assertions.Expect(tab.Page.Locator("[data-field=payTo] a")).ToHaveAttributeAsync("data-pay-to", (string)model["payTo"]!);
        await Assertions.Expect(tab.Page.Locator("[data-field=amount] dd")).ToHaveTextAsync($"{Figures.Usdc(amount)} USDC");
        Assert.True(await SignatureIsOnChainAsync(sig), $"{sig} is not a transaction on the local chain");
        Assert.True(await UsdcBalanceAsync(vault) - before >= long.Parse(amount), "the vault received the payment");

        await tab.ScreenshotAsync("docs-x402");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task MarketCard_AfterAPaidCallAndAnIndexerCycle_ShowsTheHigherVault_WithoutAReload()
    {
        await using var tab = await browser.OpenAsync();
        await tab.Page.GotoAsync("/market?refresh=1");
        using var api = await Http.GetAsync($"{Stack.Api}/market");
        if (api.StatusCode == HttpStatusCode.NotFound)
        {
            // No market API on this stack: the page keeps saying so on each refresh, without reloading.
            await tab.Page.EvaluateAsync("() => { window.__sameDocument = true; }");
            await PayAsync(PaidModel);
            await Task.Delay(2500);
            Assert.True(await tab.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"));
            await Assertions.Expect(tab.Page.Locator("#status")).ToHaveAttributeAsync("data-state", "error");
            tab.AssertNoConsoleErrors(404);
            return;
        }

        var vault = tab.Page.Locator($"article.card:not(.preview)[data-model-id=\"{PaidModel}\"] [data-field=vault] dd");
        await Assertions.Expect(vault).ToHaveAttributeAsync("data-value", new System.Text.RegularExpressions.Regex(@"^\d+$"));
        var before = long.Parse((await vault.GetAttributeAsync("data-value"))!);
        await tab.Page.EvaluateAsync("() => { window.__sameDocument = true; }");

        var paid = await PayAsync(PaidModel);
        Assert.True(await RunIndexerAsync(), "the indexer app has no timer function to run");

        var expected = await UsdcBalanceAsync((string)Model(PaidModel)["vaultUsdcAccount"]!);
        Assert.True(expected >= before + long.Parse((string)paid["amountMicroUsdc"]!));
        await Assertions.Expect(vault).ToHaveAttributeAsync("data-value", expected.ToString(), new() { Timeout = 30_000 });
        await Assertions.Expect(vault).ToHaveTextAsync(Figures.Usdc(expected.ToString()));
        Assert.True(await tab.Page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        await tab.ScreenshotAsync("market-after-payment");
        tab.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData("/market", "market-phone")]
    [InlineData("/market/google/gemma-3-27b-it", "model-phone")]
    [InlineData("/creators/apply", "apply-phone")]
    [InlineData("/docs/x402", "docs-x402-phone")]
    public async Task Page_AtPhoneWidth_FitsTheScreen(string path, string screenshot)
    {
        await using var phone = await browser.OpenAsync(width: 390, height: 844);
        using var api = await Http.GetAsync($"{Stack.Api}/market");
        await phone.Page.GotoAsync(path);
        if (path.StartsWith("/market", StringComparison.Ordinal))
        {
            await Assertions.Expect(phone.Page.Locator("#status")).ToHaveAttributeAsync("data-state", new System.Text.RegularExpressions.Regex("^(ok|empty|error)$"));
        }
        else if (path == "/creators/apply")
        {
            await Assertions.Expect(phone.Page.Locator("#modelId option")).Not.ToHaveCountAsync(1);
        }
        else
        {
            await Assertions.Expect(phone.Page.Locator("#demo-model option")).Not.ToHaveCountAsync(1);
        }

        Assert.False(await phone.OverflowsHorizontallyAsync(), $"{path} scrolls sideways at phone width");
        await phone.ScreenshotAsync(screenshot);
        phone.AssertNoConsoleErrors(api.StatusCode == HttpStatusCode.NotFound ? [404] : []);
    }

    private static List<JsonNode> Listings(JsonNode market) =>
        [.. (market["listings"] ?? market["data"] ?? new JsonArray()).AsArray().Select(l => l!)];

    /// <summary>Card field, API property, and how the page must show it.</summary>
    private static (string Field, string Property, Func<string, string> Format)[] CardFigures(int decimals) =>
    [
        ("vault", "vaultBalance", Figures.Usdc),
        ("supply", "supply", raw => Figures.Units(raw, decimals, 0)),
        ("burned", "burned", raw => Figures.Units(raw, decimals, 0)),
        ("transferFee", "transferFeeBps", raw => Figures.Units(raw, 2, 0) + "%"),
        ("calls24h", "volume24h.calls", raw => Figures.Units(raw, 0, 0)),
        ("revenue24h", "volume24h.revenue", Figures.Usdc),
        ("calls30d", "volume30d.calls", raw => Figures.Units(raw, 0, 0)),
        ("revenue30d", "volume30d.revenue", Figures.Usdc),
    ];

    /// <summary>A property of the API's JSON (a dotted path) as the raw text the page keeps in data-value.</summary>
    private static string? Raw(JsonNode listing, string property) => property.Split('.').Aggregate((JsonNode?)listing, (node, name) => node?[name]) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var v => v.ToJsonString(),
    };

    private static JsonNode Model(string id) =>
        JsonNode.Parse(Stack.Chain.GetRawText())!["models"]!.AsArray().Single(m => (string)m!["id"]! == id)!;

    /// <summary>A paid x402 call through the demo endpoint (the demo wallet pays the rail on chain).</summary>
    private static async Task<JsonNode> PayAsync(string model)
    {
        using var response = await Http.PostAsync($"{Stack.Api}/x402/demo", JsonContent.Create(new { model }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"the demo call failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>Runs every timer function of the indexer app once; false when it has none.</summary>
    private static async Task<bool> RunIndexerAsync()
    {
        var functions = JsonNode.Parse(await Http.GetStringAsync($"{Stack.Admin}/functions"))!.AsArray();
        var timers = functions.Where(f => (string?)f!["app"] == "indexer" && (string?)f["trigger"] == "timer").Select(f => (string)f!["name"]!).ToList();
        foreach (var name in timers)
        {
            using var run = await Http.PostAsync($"{Stack.Admin}/functions/{name}", JsonContent.Create(new { input = "" }));
            Assert.True(run.IsSuccessStatusCode, $"{name} failed: {await run.Content.ReadAsStringAsync()}");
        }

        return timers.Count > 0;
    }

    /// <summary>Burns some of the payer's model tokens on the local chain; returns the signature.</summary>
    private static async Task<string> BurnAsync(JsonNode model, ulong amount)
    {
        var chain = new Bourse.Tests.Solana.LocalChain();
        using var payer = Bourse.Solana.Keypair.FromSecretKey(Stack.ChainKeypair("payer"));
        var mint = Bourse.Solana.PublicKey.Parse((string)model["mint"]!);
        var program = Bourse.Solana.PublicKey.Parse((string)model["tokenProgram"]!);
        var account = Bourse.Solana.PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint, program);
        var outcome = await chain.SendAsync(payer, [], Bourse.Solana.Programs.TokenProgram.Burn(account, mint, payer.PublicKey, amount, program));
        Assert.True(outcome.Status == Bourse.Solana.Rpc.SendStatus.Confirmed, $"burn: {outcome.Status} {outcome.Error}");
        return outcome.Signature;
    }

    private static async Task<bool> SignatureIsOnChainAsync(string signature)
    {
        var rpc = Bourse.Tests.Solana.Rpc.SolanaRpcClientChainTests.CreateClient();
        var statuses = (await rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true)).GetValueOrThrow();
        return statuses.Value[0] is { Failed: false };
    }

    private static async Task<long> UsdcBalanceAsync(string account)
    {
        var rpc = Bourse.Tests.Solana.Rpc.SolanaRpcClientChainTests.CreateClient();
        return long.Parse((await rpc.GetTokenAccountBalanceAsync(account)).GetValueOrThrow().Value.Amount);
    }
}
