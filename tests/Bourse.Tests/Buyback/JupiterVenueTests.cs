using System.Net;
using System.Text.Json.Nodes;
using Bourse.Buyback.Venues;
using Bourse.Solana;
using Bourse.Solana.Programs;

namespace Bourse.Tests.Buyback;

/// <summary>Jupiter's Metis API (/swap/v1/quote, /swap/v1/swap-instructions) against responses in its documented shapes.</summary>
public sealed class JupiterVenueTests
{
    private static readonly PublicKey Usdc = PublicKey.Parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
    private static readonly PublicKey Mint = PublicKey.Parse("So11111111111111111111111111111111111111112");
    private static readonly SwapRequest Request = new(Usdc, Mint, ProgramIds.Token, 25_000_000, 100);

    private static string QuoteJson(string outAmount = "1234567890", string threshold = "1228395050", string impact = "0.0012") => $$"""
        {"inputMint":"{{Usdc}}","inAmount":"25000000","outputMint":"{{Mint}}","outAmount":"{{outAmount}}","otherAmountThreshold":"{{threshold}}",
         "swapMode":"ExactIn","slippageBps":50,"platformFee":null,"priceImpactPct":"{{impact}}",
         "routePlan":[{"swapInfo":{"ammKey":"58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2","label":"Raydium","inputMint":"{{Usdc}}","outputMint":"{{Mint}}",
           "inAmount":"25000000","outAmount":"{{outAmount}}","feeAmount":"62500","feeMint":"{{Usdc}}"},"percent":100}],
         "contextSlot":299283763,"timeTaken":0.0121}
        """;

    [Fact]
    public async Task Quote_DocumentedResponse_ReadsAmountsAndImpactAndSendsTheApiKey()
    {
        var api = new RecordedVenue().On("/swap/v1/quote", HttpStatusCode.OK, QuoteJson());

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.True(quote.IsSuccess, quote.Error?.ToString());
        Assert.Equal((1_234_567_890L, 12), (quote.Value!.OutAmount, quote.Value.PriceImpactBps));
        Assert.Equal(Math.Max(1_228_395_050L, SwapQuote.MinimumFor(1_234_567_890, 100)), quote.Value.MinimumOut);
        var (request, _) = Assert.Single(api.Requests);
        Assert.Equal("jup-test-key", Assert.Single(request.Headers.GetValues("x-api-key")));
        Assert.Contains($"inputMint={Usdc}&outputMint={Mint}&amount=25000000&slippageBps=100", request.RequestUri!.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quote_NoRoute_IsNoRoute()
    {
        var api = new RecordedVenue().On("/swap/v1/quote", HttpStatusCode.BadRequest, """{"error":"Could not find any route","errorCode":"COULD_NOT_FIND_ANY_ROUTE"}""");

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.Equal(VenueErrorKind.NoRoute, quote.Error!.Kind);
        Assert.False(quote.Error.IsTransient);
        Assert.Contains("COULD_NOT_FIND_ANY_ROUTE", quote.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Quote_RateLimited_IsTransientWithTheRetryAfter()
    {
        var api = new RecordedVenue().On("/swap/v1/quote", HttpStatusCode.TooManyRequests, """{"error":"Rate limit exceeded"}""", TimeSpan.FromSeconds(7));

        var quote = await Venue(api).QuoteAsync(Request, CancellationToken.None);

        Assert.Equal((VenueErrorKind.RateLimited, TimeSpan.FromSeconds(7)), (quote.Error!.Kind, quote.Error.RetryAfter));
        Assert.True(quote.Error.IsTransient);
    }

    [Fact]
    public async Task Quote_ServerError_IsUnavailable()
    {
        var api = new RecordedVenue().On("/swap/v1/quote", HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        Assert.Equal(VenueErrorKind.Unavailable, (await Venue(api).QuoteAsync(Request, CancellationToken.None)).Error!.Kind);
    }

    [Fact]
    public async Task Build_SwapInstructions_CompilesOneV0TransactionWithTheLookupTableSignedByTheCrankAndBurnsTheMinimumOut()
    {
        using var crank = Keypair.Generate();
        var pool = Enumerable.Range(0, 6).Select(_ => Keypair.Generate().PublicKey).ToList();
        var table = new AddressLookupTable(Keypair.Generate().PublicKey, pool);
        var destination = PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Mint, ProgramIds.Token);
        var api = new RecordedVenue()
            .On("/swap/v1/quote", HttpStatusCode.OK, QuoteJson())
            .On("/swap/v1/swap-instructions", HttpStatusCode.OK, SwapInstructionsJson(crank.PublicKey, destination, pool, table.Key, simulationError: "null"));
        var venue = Venue(api, table);
        var quote = (await venue.QuoteAsync(Request, CancellationToken.None)).Value!;

        var built = await venue.BuildAsync(quote, new SwapTaker(crank, PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Usdc, ProgramIds.Token), destination, 9), burnInSwap: true, CancellationToken.None);

        Assert.True(built.IsSuccess, built.Error?.ToString());
        var transaction = Transaction.Deserialize(built.Value!.Transaction);
        Assert.True(transaction.Message.IsVersioned);
        Assert.True(transaction.VerifySignatures());
        Assert.Equal((crank.PublicKey, built.Value.Signature, RecordedVenue.LastValidBlockHeight), (transaction.Message.AccountKeys[0], transaction.Id, built.Value.LastValidBlockHeight));
        Assert.Equal(RecordedVenue.Blockhash, transaction.Message.RecentBlockhash);
        Assert.Equal(table.Key, Assert.Single(transaction.Message.AddressTableLookups).TableKey);
        var burn = transaction.Message.Instructions[^1];
        Assert.Equal(new byte[] { 15 }.Concat(BitConverter.GetBytes((ulong)quote.MinimumOut)).Append((byte)9), burn.Data);
        Assert.Equal(quote.MinimumOut, built.Value.BurnedInSwap);
        var body = JsonNode.Parse(api.Requests[1].Body!)!;
        Assert.Equal((crank.PublicKey.ToString(), destination.ToString()), (body["userPublicKey"]!.GetValue<string>(), body["destinationTokenAccount"]!.GetValue<string>()));
        Assert.Equal("1234567890", body["quoteResponse"]!["outAmount"]!.GetValue<string>());
    }

    [Fact]
    public async Task Build_SimulationError_IsSimulationFailed()
    {
        using var crank = Keypair.Generate();
        var destination = PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Mint, ProgramIds.Token);
        var api = new RecordedVenue()
            .On("/swap/v1/quote", HttpStatusCode.OK, QuoteJson())
            .On("/swap/v1/swap-instructions", HttpStatusCode.OK, SwapInstructionsJson(crank.PublicKey, destination, [], null,
                simulationError: """{"errorCode":"TRANSACTION_ERROR","error":"Error processing Instruction 3: custom program error: 0x1771"}"""));
        var venue = Venue(api);
        var quote = (await venue.QuoteAsync(Request, CancellationToken.None)).Value!;

        var built = await venue.BuildAsync(quote, new SwapTaker(crank, crank.PublicKey, destination, 9), burnInSwap: true, CancellationToken.None);

        Assert.Equal(VenueErrorKind.SimulationFailed, built.Error!.Kind);
        Assert.Contains("0x1771", built.Error.Message, StringComparison.Ordinal);
    }

    private static JupiterVenue Venue(RecordedVenue api, AddressLookupTable? table = null) =>
        new(new HttpClient(api), RecordedVenue.Rpc(table), RecordedVenue.Options);

    private static string SwapInstructionsJson(PublicKey crank, PublicKey destination, IReadOnlyList<PublicKey> pool, PublicKey? table, string simulationError)
    {
        var accounts = new JsonArray(
            new JsonObject { ["pubkey"] = crank.ToString(), ["isSigner"] = true, ["isWritable"] = false },
            new JsonObject { ["pubkey"] = destination.ToString(), ["isSigner"] = false, ["isWritable"] = true });
        foreach (var key in pool)
        {
            accounts.Add(new JsonObject { ["pubkey"] = key.ToString(), ["isSigner"] = false, ["isWritable"] = true });
        }

        var response = new JsonObject
        {
            ["tokenLedgerInstruction"] = null,
            ["computeBudgetInstructions"] = new JsonArray(new JsonObject
            {
                ["programId"] = "ComputeBudget111111111111111111111111111111", ["accounts"] = new JsonArray(), ["data"] = Convert.ToBase64String([2, 0xC0, 0x5C, 0x15, 0x00]),
            }),
            ["setupInstructions"] = new JsonArray(),
            ["swapInstruction"] = new JsonObject
            {
                ["programId"] = "JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4", ["accounts"] = accounts, ["data"] = Convert.ToBase64String([0xE5, 0x17, 0xCB, 0x97, 1, 2, 3]),
            },
            ["cleanupInstruction"] = null,
            ["otherInstructions"] = new JsonArray(),
            ["addressLookupTableAddresses"] = table is null ? new JsonArray() : new JsonArray(table.Value.ToString()),
            ["prioritizationFeeLamports"] = 1234,
            ["computeUnitLimit"] = 1_400_000,
            ["simulationError"] = JsonNode.Parse(simulationError),
        };
        return response.ToJsonString();
    }
}
