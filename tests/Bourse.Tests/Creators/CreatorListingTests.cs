using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Storage;
using Bourse.Tests.Accounts;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;

namespace Bourse.Tests.Creators;

/// <summary>Creator applications on the running stack, and their approval into listings with vaults on the local chain.</summary>
public sealed class CreatorListingTests
{
    private static readonly PublicKey Usdc = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));
    private readonly LocalChain _chain = new();
    private readonly string _client = $"198.51.100.7, [2001:db8::{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}]:{Random.Shared.Next(1024, 65000)}";

    [Fact]
    public async Task ApprovingTrackA_MintsAToken2022WithA1PercentFee_CreatesTheVault_AndMovesX402PayToThere()
    {
        const string model = "llama3.1-8b";
        var before = await PayToAsync(model);
        var id = await ApplyAsync(new { modelId = model, link = "https://example.org/llama", description = "Llama 3.1 8B, fast and cheap.", contact = "creator@example.org", track = "A", modelFeeBps = 300 });

        using var approved = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var application = await approved.Content.ReadFromJsonAsync<JsonElement>();
        var listing = application.GetProperty("listing");
        var mint = PublicKey.Parse(listing.GetProperty("mint").GetString()!);
        var vaultAuthority = listing.GetProperty("vaultAuthority").GetString()!;
        var vaultUsdc = PublicKey.Parse(listing.GetProperty("vaultUsdcAccount").GetString()!);

        Assert.Equal("approved", application.GetProperty("status").GetString());
        Assert.NotEqual(vaultAuthority, before);
        Assert.Equal(vaultAuthority, await PayToAsync(model, until: vaultAuthority));

        var vault = await _chain.TokenAccountAsync(vaultUsdc);
        Assert.Equal(Usdc, vault.Mint);
        Assert.Equal(PublicKey.Parse(vaultAuthority), vault.Owner);
        Assert.Equal(vaultUsdc, PublicKey.FindAssociatedTokenAddress(PublicKey.Parse(vaultAuthority), Usdc, ProgramIds.Token));
        var mintInfo = (await _chain.Rpc.GetAccountInfoAsync(mint.ToString())).GetValueOrThrow().Value!;
        Assert.Equal(ProgramIds.Token2022.ToString(), mintInfo.Owner);
        var fee = Token2022Extensions.Read(mintInfo.Data).TransferFeeConfig!;
        Assert.Equal((ushort)100, fee.NewerFee.BasisPoints);

        // Approving again changes nothing and answers the same listing.
        using var again = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/approve");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(listing.ToString(), (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("listing").ToString());
        using var rejectAfter = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/reject", new { reason = "too late" });
        await WalletUser.AssertProblemAsync(rejectAfter, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task ApprovingTrackB_ListsTheExternalMint_ByAnAdminWalletsSession()
    {
        const string model = "llama-3.3-70b";
        using var payer = await _chain.FundedKeypairAsync();
        using var mint = Keypair.Generate();
        await _chain.ConfirmAsync(payer, [mint],
            SystemProgram.CreateAccount(payer.PublicKey, mint.PublicKey, await _chain.RentAsync(TokenProgram.MintSize), TokenProgram.MintSize, ProgramIds.Token),
            TokenProgram.InitializeMint2(mint.PublicKey, 6, payer.PublicKey));
        var id = await ApplyAsync(new { modelId = model, link = "https://pump.fun/coin/x", description = "Llama 3.3 70B, launched on pump.fun.", contact = "@creator", track = "B", mint = mint.PublicKey.ToString(), modelFeeBps = 500 });
        var admin = await WalletUser.SignedInAsync(Keypair.FromSecretKey(LocalStack.Instance.ChainKeypair("admin")));

        var pending = await admin.GetJsonAsync("admin/listings/applications?status=pending");
        var approvals = await Task.WhenAll(admin.SendAsync(HttpMethod.Post, $"admin/listings/applications/{id}/approve"), AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/approve"));
        var answers = await Task.WhenAll(approvals.Select(a => a.Content.ReadFromJsonAsync<JsonElement>()));

        Assert.Contains(pending.GetProperty("data").EnumerateArray(), a => a.GetProperty("id").GetString() == id);
        Assert.All(approvals, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode)); // two admins at once: one approval, the same answer
        Assert.Equal(answers[0].GetProperty("listing").ToString(), answers[1].GetProperty("listing").ToString());
        var application = answers[0];
        Assert.Contains(application.GetProperty("decidedBy").GetString(), new[] { admin.Address, "admin-token" });
        var listing = application.GetProperty("listing");
        Assert.Equal(mint.PublicKey.ToString(), listing.GetProperty("mint").GetString());
        var vaultAuthority = listing.GetProperty("vaultAuthority").GetString()!;
        Assert.Equal(vaultAuthority, await PayToAsync(model, until: vaultAuthority));
        Assert.NotNull(await _chain.DataAsync(PublicKey.Parse(listing.GetProperty("vaultUsdcAccount").GetString()!)));
    }

    [Fact]
    public async Task Rejecting_KeepsTheModelUnlisted_AndCannotBeApprovedAfter()
    {
        var id = await ApplyAsync(new { modelId = "kimi-k2.6", link = "https://example.org/kimi", description = "Kimi, but not really ours.", contact = "someone@example.org", track = "A", modelFeeBps = 100 });
        var payTo = await PayToAsync("kimi-k2.6");

        using var noReason = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/reject", new { });
        using var rejected = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/reject", new { reason = "Not the model's creator." });
        using var approveAfter = await AdminAsync(HttpMethod.Post, $"admin/listings/applications/{id}/approve");

        await WalletUser.AssertProblemAsync(noReason, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        Assert.Equal("rejected", (await rejected.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        await WalletUser.AssertProblemAsync(approveAfter, HttpStatusCode.Conflict);
        Assert.Equal(payTo, await PayToAsync("kimi-k2.6"));
        Assert.Equal(LocalStack.Instance.ChainAddress("treasury"), payTo);
    }

    [Fact]
    public async Task Apply_BadInput_GetsProblemDetails_AndStoresNothing()
    {
        var valid = new Dictionary<string, object?>
        {
            ["modelId"] = "deepseek-chat", ["link"] = "https://example.org/m", ["description"] = "A fine model indeed.", ["contact"] = "me@example.org",
            ["track"] = "B", ["mint"] = Keypair.Generate().PublicKey.ToString(), ["modelFeeBps"] = 200,
        };
        Dictionary<string, object?> With(string key, object? value) => new(valid) { [key] = value };
        object[] bodies =
        [
            new StringContent("", Encoding.UTF8, "application/json"), new StringContent("{not json", Encoding.UTF8, "application/json"),
            new StringContent("[]", Encoding.UTF8, "application/json"), new { },
            With("modelId", "no/such-model"), With("modelId", null), With("link", "ftp://example.org"), With("link", "not a url"),
            With("link", "https://example.org/" + new string('a', 600)), With("description", "short"), With("description", new string('d', 2001)),
            With("contact", ""), With("contact", "a\u0000b"), With("track", "C"), With("track", 1), With("mint", "not-a-mint"), With("mint", null),
            With("modelFeeBps", 49), With("modelFeeBps", 1001), With("modelFeeBps", "200"), With("modelFeeBps", 2.5),
        ];
        var table = new TableServiceClient(LocalStack.Instance.Storage).GetTableClient(TableNames.CreatorApplications);
        await table.CreateIfNotExistsAsync();
        foreach (var body in bodies)
        {
            using var response = await PostApplyAsync(body);
            await WalletUser.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        // Admin routes: no token, bad status filter, unknown ids.
        using var anonymous = await WalletUser.Http.GetAsync($"{LocalStack.Instance.Api}/admin/listings/applications");
        var someone = await WalletUser.SignedInAsync();
        using var notAdmin = await someone.SendAsync(HttpMethod.Post, "admin/listings/applications/app_x/approve");
        using var badStatus = await AdminAsync(HttpMethod.Get, "admin/listings/applications?status=maybe");
        using var unknown = await AdminAsync(HttpMethod.Post, "admin/listings/applications/app_nope/approve");
        using var unknownReject = await AdminAsync(HttpMethod.Post, "admin/listings/applications/app_nope/reject", new { reason = "x" });
        await WalletUser.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await WalletUser.AssertProblemAsync(notAdmin, HttpStatusCode.Unauthorized);
        await WalletUser.AssertProblemAsync(badStatus, HttpStatusCode.BadRequest);
        await WalletUser.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await WalletUser.AssertProblemAsync(unknownReject, HttpStatusCode.NotFound);

        Assert.Equal(0, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"application"} and ModelId eq {"no/such-model"}")).CountAsync());
        Assert.Equal(0, await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"application"} and Description eq {"short"}")).CountAsync());
    }

    [Fact]
    public async Task Apply_IsRateLimitedPerClientAddress()
    {
        var body = new { modelId = "deepseek-chat", link = "https://example.org/d", description = "Rate limit probe.", contact = "rate@example.org", track = "A", modelFeeBps = 100 };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await PostApplyAsync(body);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await WalletUser.AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            }
        }

        using var otherAddress = await PostApplyAsync(body, client: $"2001:db8:1::{Random.Shared.Next(1, 0xffff):x}");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 5), HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.Created, otherAddress.StatusCode);
    }

    private async Task<string> ApplyAsync(object body)
    {
        using var response = await PostApplyAsync(body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", created.GetProperty("status").GetString());
        return created.GetProperty("id").GetString()!;
    }

    private Task<HttpResponseMessage> PostApplyAsync(object body, string? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/creators/apply") { Content = body as HttpContent ?? JsonContent.Create(body) };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", client ?? _client);
        return WalletUser.Http.SendAsync(request);
    }

    private static Task<HttpResponseMessage> AdminAsync(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, $"{LocalStack.Instance.Api}/{path}") { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", LocalStack.Instance.AdminToken);
        return WalletUser.Http.SendAsync(request);
    }

    /// <summary>The payTo of an unpaid x402 call to <paramref name="model"/>; polls (the registry's refresh) until it is <paramref name="until"/> when given.</summary>
    private static async Task<string> PayToAsync(string model, string? until = null)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(30);
        while (true)
        {
            using var response = await WalletUser.Http.PostAsJsonAsync($"{LocalStack.Instance.Api}/x402/v1/chat/completions",
                new { model, messages = new[] { new { role = "user", content = "hi" } }, max_tokens = 16 });
            Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            var payTo = body.GetProperty("accepts")[0].GetProperty("payTo").GetString()!;
            if (until is null || payTo == until || TimeProvider.System.GetUtcNow() > deadline)
            {
                return payTo;
            }

            await Task.Delay(250);
        }
    }
}
