using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Listings;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Payments.X402;
using Bourse.Tests.Settlement;
using Bourse.Tests.Solana;

namespace Bourse.Tests.Listings;

/// <summary>
/// The registry on the running stack: x402's payTo and the settlement split come from the model's
/// listing (seeded from the local chain), and a registry change reaches the rails at the next refresh.
/// </summary>
public sealed class ListingPaymentTests
{
    private const string Gemma = "google/gemma-3-27b-it";
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);

    [Fact]
    public async Task X402_OnAListedModel_PaysItsVaultAndSettlementRecordsThatVault()
    {
        var listing = (await new ListingStore(Tables).FindAsync(Gemma, CancellationToken.None))!;
        Assert.Equal(ListingStatus.Approved, listing.Status);
        var chain = new LocalChain();
        var vault = PublicKey.Parse(listing.VaultUsdcAccount);
        var before = (await chain.TokenAccountAsync(vault)).Amount;
        using var http = new HttpClient();
        // An output cap of its own makes this payment's amount (and transaction) unlike any other test's.
        var body = $$"""{"model":"{{Gemma}}","max_tokens":{{Random.Shared.Next(300, 900)}},"messages":[{"role":"user","content":"listing {{Guid.NewGuid():N}}"}]}""";

        using var challenge = await http.PostAsync(X402Url, Json(body));
        Assert.Equal(HttpStatusCode.PaymentRequired, challenge.StatusCode);
        var required = challenge.Headers.GetValues("PAYMENT-REQUIRED").Single();
        var accepted = JsonDocument.Parse(Convert.FromBase64String(required)).RootElement.GetProperty("accepts")[0];
        Assert.Equal(listing.VaultAuthority, accepted.GetProperty("payTo").GetString());
        var amount = ulong.Parse(accepted.GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

        var (code, header, error) = await LocalFacilitatorFixture.RunNodeAsync(
            [Path.Combine(LocalStack.RepositoryRoot, "tools", "facilitator", "pay.mjs"), "--rpc", LocalStack.Instance.Rpc,
             "--keypair", LocalStack.Instance.Chain.GetProperty("payerKeypair").GetRawText(), "--payment-required", required],
            TimeSpan.FromSeconds(60));
        Assert.True(code == 0, error);
        using var paid = new HttpRequestMessage(HttpMethod.Post, X402Url) { Content = Json(body) };
        paid.Headers.Add("PAYMENT-SIGNATURE", header.Trim());
        using var response = await http.SendAsync(paid);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        await response.Content.ReadAsStringAsync();
        var requestId = response.Headers.GetValues("X-Request-Id").Single();

        // Other tests pay this vault at the same time: the payment's own transaction says what it moved.
        var settled = JsonDocument.Parse(Convert.FromBase64String(response.Headers.GetValues("PAYMENT-RESPONSE").Single())).RootElement;
        var landed = (await chain.Rpc.GetTransactionAsync(settled.GetProperty("transaction").GetString()!, "base64")).GetValueOrThrow()!;
        var vaultIndex = Bourse.Solana.Transaction.Deserialize(landed.RawTransaction!).Message.AccountKeys.ToList().IndexOf(vault);
        ulong VaultBalance(IReadOnlyList<Bourse.Solana.Rpc.Models.TokenBalance>? balances) =>
            balances?.FirstOrDefault(b => b.AccountIndex == vaultIndex)?.UiTokenAmount.RawAmount ?? 0;
        Assert.True(vaultIndex >= 0, "the payment did not touch the listing's vault");
        Assert.Equal(amount, VaultBalance(landed.Meta!.PostTokenBalances) - VaultBalance(landed.Meta.PreTokenBalances));
        Assert.True((await chain.TokenAccountAsync(vault)).Amount >= before + amount);
        var row = await SettledAsync(Gemma, requestId);
        Assert.Equal(listing.VaultUsdcAccount, row.Event.Terms?.VaultUsdcAccount);
        Assert.Equal(listing.VaultAuthority, row.Event.Terms?.PayTo);
        Assert.Equal(listing.Mint, row.Event.Terms?.Mint);
        Assert.Equal(listing.ModelFeeBps, row.CreatorFeeBps);
        Assert.Equal((long)amount, row.Split.Gross);
        Assert.Contains($"vault:{Gemma}>clearing:{amount}", row.Legs(), StringComparison.Ordinal);
        Assert.Contains($"clearing>vault:{Gemma}:{row.Split.CreatorFee}", row.Legs(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delisting_StopsPayingTheVaultFromTheNextRefresh()
    {
        // A catalog model no other test lists or pays, listed here with a vault of its own.
        const string model = "llama3.1-8b";
        var store = new ListingStore(Tables);
        using var owner = Keypair.Generate();
        var usdc = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));
        var listing = new Listing(model, Keypair.Generate().PublicKey.ToString(), ProgramIds.Token.ToString(), ListingTrack.B, 700,
            owner.PublicKey.ToString(), PublicKey.FindAssociatedTokenAddress(owner.PublicKey, usdc, ProgramIds.Token).ToString(),
            ListingStatus.Approved, LastSeenSlot: 0, ListingSource.Admin);
        await store.UpsertAsync([listing], CancellationToken.None);

        Assert.Equal(listing.VaultAuthority, await PayToAsync(model, expected: listing.VaultAuthority));
        var listed = await ModelAsync(model);
        Assert.True(listed.GetProperty("tokenized").GetBoolean());
        Assert.Equal(listing.VaultUsdcAccount, listed.GetProperty("vault").GetString());

        await store.UpsertAsync([listing with { Status = ListingStatus.Delisted }], CancellationToken.None);

        var treasury = LocalStack.Instance.ChainAddress("treasury");
        Assert.Equal(treasury, await PayToAsync(model, expected: treasury));
        Assert.False((await ModelAsync(model)).GetProperty("tokenized").GetBoolean());
    }

    [Fact]
    public async Task Credits_OnAModelWithoutAListing_HaveNoCreatorFeeAndOweNoVault()
    {
        var account = await Routing.TestAccount.CreateAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = Json("""{"model":"deepseek-chat","messages":[{"role":"user","content":"no listing"}]}"""),
        };
        request.Headers.Authorization = new("Bearer", account.ApiKey);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var row = await SettledAsync("deepseek-chat", response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal((0, 0L), (row.CreatorFeeBps, row.Split.CreatorFee));
        Assert.Null(row.Event.Terms?.VaultUsdcAccount);
        Assert.DoesNotContain("creator-payable", row.Legs(), StringComparison.Ordinal);
        Assert.Equal(row.Split.Gross, row.Split.ProviderPayout + row.Split.ProtocolFee);
        Assert.Equal(0, row.OwedToVault); // nothing for a vault payable to accrue
    }

    private static string X402Url => $"{LocalStack.Instance.Api}/x402/v1/chat/completions";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>The payTo of the model's 402 once it is <paramref name="expected"/> (the stack refreshes its snapshot every second), or the last one seen.</summary>
    private static async Task<string?> PayToAsync(string model, string expected)
    {
        using var http = new HttpClient();
        string? payTo = null;
        for (var i = 0; i < 150 && payTo != expected; i++)
        {
            await Task.Delay(i == 0 ? 0 : 200);
            using var response = await http.PostAsync(X402Url, Json($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""));
            var header = response.Headers.GetValues("PAYMENT-REQUIRED").Single();
            payTo = JsonDocument.Parse(Convert.FromBase64String(header)).RootElement.GetProperty("accepts")[0].GetProperty("payTo").GetString();
        }

        return payTo;
    }

    private static async Task<JsonElement> ModelAsync(string model)
    {
        using var http = new HttpClient();
        var list = JsonDocument.Parse(await http.GetStringAsync($"{LocalStack.Instance.Api}/models")).RootElement;
        return list.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == model).Clone();
    }

    /// <summary>
    /// The call's ledger entry. An x402 call is recorded first with estimated usage, then settled with its real counts
    /// (two events of one request): either carries the terms.
    /// </summary>
    private static async Task<SettlementPosting> SettledAsync(string model, string requestId) =>
        (await PostedEvents.FindAsync(model, p => p.Event.RequestId == requestId))?.Posting ?? throw new TimeoutException($"{requestId} was not settled.");
}
