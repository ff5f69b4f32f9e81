using System.Net;
using System.Text.Json.Nodes;
using Bourse.Buyback.Venues;
using Bourse.Solana;
using Bourse.Solana.Programs;

namespace Bourse.Tests.Buyback;

/// <summary>Raydium's trade API (compute/swap-base-in, transaction/swap-base-in) against responses in its documented shapes.</summary>
public sealed class RaydiumVenueTests
{
    private static readonly PublicKey Usdc = PublicKey.Parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    private static readonly PublicKey Mint = Keypair.Generate().PublicKey;
    private static readonly SwapRequest Request = new(Usdc, Mint, ProgramIds.Token, 25_000_000, 100);

    private static string ComputeJson(string impact = "0.12") => $$$"""
        {"id":"5d6e7f","success":true,"version":"V1","data":{"swapType":"BaseIn","inputMint":"{{{Usdc}}}","inputAmount":"25000000",
         "outputMint":"{{{Mint}}}","outputAmount":"987654321","otherAmountThreshold":"982716049","slippageBps":50,"priceImpactPct":{{{impact}}},
         "referrerAmount":"0","routePlan":[{"poolId":"DRaycpLY18LhpbydsBWbVJtxpNv9oXPgjRSfpF2bWpYb","inputMint":"{{{Usdc}}}","outputMint":"{{{Mint}}}",
           "feeMint":"{{{Usdc}}}","feeRate":25,"feeAmount":"62500","remainingAccounts":[]}]}}
        """;

    [Fact]
    public async Task Quote_DocumentedResponse_ReadsAmountsAndPercentImpact()
    {
        var api = new RecordedVenue().On("/compute/swap-base-in", HttpStatusCode.OK, ComputeJson());

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.True(quote.IsSuccess, quote.Error?.ToString());
        Assert.Equal((987_654_321L, 12), (quote.Value!.OutAmount, quote.Value.PriceImpactBps)); // 0.12 % = 12 bps
        Assert.Equal(Math.Max(982_716_049L, SwapQuote.MinimumFor(987_654_321, 100)), quote.Value.MinimumOut);
        Assert.Contains("txVersion=V0", api.Requests[0].Request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quote_RouteNotFound_IsNoRoute()
    {
        var api = new RecordedVenue().On("/compute/swap-base-in", HttpStatusCode.OK, """{"id":"5d6e80","success":false,"version":"V1","msg":"ROUTE_NOT_FOUND"}""");

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.Equal(VenueErrorKind.NoRoute, quote.Error!.Kind);
        Assert.Contains("ROUTE_NOT_FOUND", quote.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quote_RateLimited_IsTransient()
    {
        var api = new RecordedVenue().On("/compute/swap-base-in", HttpStatusCode.TooManyRequests, """{"id":"x","success":false,"msg":"Too Many Requests"}""", TimeSpan.FromSeconds(3));

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.Equal((VenueErrorKind.RateLimited, TimeSpan.FromSeconds(3)), (quote.Error!.Kind, quote.Error.RetryAfter));
    }

    [Fact]
    public async Task Build_OneTransaction_IsRestampedWithOurBlockhashAndSignedByTheCrank()
    {
        using var crank = Keypair.Generate();
        var source = PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Usdc, ProgramIds.Token);
        var destination = PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Mint, ProgramIds.Token);
        var unsigned = new Transaction(Message.Compile(crank.PublicKey, "11111111111111111111111111111111",
            [new TransactionInstruction(PublicKey.Parse("DRaycpLY18LhpbydsBWbVJtxpNv9oXPgjRSfpF2bWpYb"),
                [AccountMeta.ReadOnly(crank.PublicKey, isSigner: true), AccountMeta.Writable(source), AccountMeta.Writable(destination)], [143, 190, 90, 218, 1])],
            lookupTables: []));
        var api = new RecordedVenue()
            .On("/compute/swap-base-in", HttpStatusCode.OK, ComputeJson())
            .On("/transaction/swap-base-in", HttpStatusCode.OK,
                new JsonObject { ["id"] = "5d6e81", ["version"] = "V1", ["success"] = true, ["data"] = new JsonArray(new JsonObject { ["transaction"] = Convert.ToBase64String(unsigned.Serialize()) }) }.ToJsonString());
        var venue = Venue(api);
        var quote = (await venue.QuoteAsync(Request, CancellationToken.None)).Value!;

        var built = await venue.BuildAsync(quote, new SwapTaker(crank, source, destination, 6), burnInSwap: true, CancellationToken.None);

        Assert.True(built.IsSuccess, built.Error?.ToString());
        var transaction = Transaction.Deserialize(built.Value!.Transaction);
        Assert.True(transaction.VerifySignatures());
        Assert.Equal((RecordedVenue.Blockhash, RecordedVenue.LastValidBlockHeight, 0L), (transaction.Message.RecentBlockhash, built.Value.LastValidBlockHeight, built.Value.BurnedInSwap));
        Assert.Equal(unsigned.Message.Instructions[0].Data, transaction.Message.Instructions[0].Data);
        var body = JsonNode.Parse(api.Requests[1].Body!)!;
        Assert.Equal((crank.PublicKey.ToString(), source.ToString(), destination.ToString(), "V0"),
            (body["wallet"]!.GetValue<string>(), body["inputAccount"]!.GetValue<string>(), body["outputAccount"]!.GetValue<string>(), body["txVersion"]!.GetValue<string>()));
        Assert.True(body["swapResponse"]!["success"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Build_SimulationFailed_IsSimulationFailed()
    {
        using var crank = Keypair.Generate();
        var api = new RecordedVenue()
            .On("/compute/swap-base-in", HttpStatusCode.OK, ComputeJson())
            .On("/transaction/swap-base-in", HttpStatusCode.OK, """{"id":"5d6e82","success":false,"version":"V1","msg":"SIMULATE_FAILED: insufficient funds"}""");
        var venue = Venue(api);
        var quote = (await venue.QuoteAsync(Request, CancellationToken.None)).Value!;

        var built = await venue.BuildAsync(quote, new SwapTaker(crank, crank.PublicKey, crank.PublicKey, 6), burnInSwap: false, CancellationToken.None);

        Assert.Equal(VenueErrorKind.SimulationFailed, built.Error!.Kind);
    }

    private static RaydiumVenue Venue(RecordedVenue api) => new(new HttpClient(api), RecordedVenue.Rpc(), RecordedVenue.Options);
}
