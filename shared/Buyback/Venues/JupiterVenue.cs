using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback.Venues;

/// <summary>
/// Jupiter's Metis swap API (mainnet): <c>GET /quote</c>, then <c>POST /swap-instructions</c>, with the
/// <c>x-api-key</c> header. The instructions are compiled here into one v0 transaction with Jupiter's
/// lookup tables, the crank signs it, and the quote's minimum out is burned in the same transaction when
/// it still fits; on chain, Jupiter enforces the minimum out (error 6001 otherwise).
/// </summary>
public sealed class JupiterVenue(HttpClient http, SolanaRpcClient rpc, IOptions<BuybackOptions> options) : SwapVenue
{
    public override string Name => "jupiter";

    public override async Task<VenueResult<SwapQuote>> QuoteAsync(SwapRequest request, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"quote?inputMint={request.UsdcMint}&outputMint={request.OutputMint}&amount={request.AmountIn}&slippageBps={request.SlippageBps}&swapMode=ExactIn&restrictIntermediateTokens=true");
        var (body, error) = await VenueHttp.SendAsync(http, Request(HttpMethod.Get, query), Name, cancellationToken);
        if (error is not null)
        {
            return Refine(body, error);
        }

        var outAmount = VenueHttp.Amount(body!["outAmount"]);
        var threshold = VenueHttp.Amount(body["otherAmountThreshold"]);
        var impact = VenueHttp.Bps(body["priceImpactPct"], unit: 1m); // a fraction: "0.0012" is 12 bps
        if (outAmount is null || threshold is null || impact is null || VenueHttp.Amount(body["inAmount"]) != request.AmountIn)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Jupiter's quote lacks inAmount, outAmount, otherAmountThreshold or priceImpactPct.");
        }

        if (outAmount == 0)
        {
            return new VenueError(VenueErrorKind.NoRoute, "Jupiter quoted nothing out.");
        }

        // Our own cap, whatever slippage the quote carries.
        var minimum = Math.Max(threshold.Value, SwapQuote.MinimumFor(outAmount.Value, request.SlippageBps));
        return new SwapQuote(Name, request, outAmount.Value, minimum, impact.Value, body);
    }

    public override async Task<VenueResult<SwapBuild>> BuildAsync(SwapQuote quote, SwapTaker taker, bool burnInSwap, CancellationToken cancellationToken)
    {
        var crank = taker.Signer.PublicKey;
        var route = await RouteAsync(quote, crank, taker.Source, taker.Destination, cancellationToken);
        if (!route.IsSuccess)
        {
            return route.Error!;
        }

        var (setup, swap, tables) = route.Value!;
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            return new VenueError(VenueErrorKind.Unavailable, "No blockhash from the RPC.");
        }

        List<TransactionInstruction> instructions = [AssociatedTokenProgram.CreateIdempotent(crank, crank, quote.Request.OutputMint, quote.Request.OutputTokenProgram), .. setup, swap];
        var blockhash = latest.Value!.Value;
        var burn = TokenProgram.BurnChecked(taker.Destination, quote.Request.OutputMint, crank, (ulong)quote.MinimumOut, taker.Decimals, quote.Request.OutputTokenProgram);
        if (burnInSwap && Compile([.. instructions, burn]) is { } withBurn && withBurn.Size <= Transaction.MaxSize)
        {
            return new SwapBuild(withBurn.Serialize(), withBurn.Id, blockhash.LastValidBlockHeight, quote.MinimumOut);
        }

        var transaction = Compile(instructions);
        return transaction.Size <= Transaction.MaxSize
            ? new SwapBuild(transaction.Serialize(), transaction.Id, blockhash.LastValidBlockHeight, 0)
            : new VenueError(VenueErrorKind.BadResponse, $"Jupiter's swap does not fit a transaction ({transaction.Size} bytes).");

        Transaction Compile(IReadOnlyList<TransactionInstruction> ixs) =>
            new Transaction(Message.Compile(crank, blockhash.Blockhash, ixs, tables)).Sign(taker.Signer);
    }

    /// <summary><c>POST /swap-instructions</c> for <paramref name="owner"/>: compute budget and setup, the swap (cleanup and others after it), and the lookup tables, read from the chain.</summary>
    public override async Task<VenueResult<SwapRoute>> RouteAsync(SwapQuote quote, PublicKey owner, PublicKey source, PublicKey destination, CancellationToken cancellationToken)
    {
        var payload = new JsonObject
        {
            ["quoteResponse"] = quote.Raw!.DeepClone(),
            ["userPublicKey"] = owner.ToString(),
            ["wrapAndUnwrapSol"] = false,
            ["dynamicComputeUnitLimit"] = true,
            ["destinationTokenAccount"] = destination.ToString(),
            ["prioritizationFeeLamports"] = new JsonObject
            {
                ["priorityLevelWithMaxLamports"] = new JsonObject { ["maxLamports"] = 1_000_000, ["priorityLevel"] = "high" },
            },
        };
        var request = Request(HttpMethod.Post, "swap-instructions");
        request.Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json");
        var (body, error) = await VenueHttp.SendAsync(http, request, Name, cancellationToken);
        if (error is not null)
        {
            return Refine(body, error);
        }

        if (body!["simulationError"] is JsonObject simulation)
        {
            return new VenueError(VenueErrorKind.SimulationFailed, $"Jupiter's simulation failed: {simulation["errorCode"]} {simulation["error"]}".Trim());
        }

        var setup = new List<TransactionInstruction>();
        TransactionInstruction swap;
        try
        {
            setup.AddRange((body["computeBudgetInstructions"] as JsonArray ?? []).Select(Instruction));
            setup.AddRange((body["setupInstructions"] as JsonArray ?? []).Select(Instruction));
            swap = Instruction(body["swapInstruction"] ?? throw new FormatException("no swapInstruction"));
            if (body["cleanupInstruction"] is not null || body["otherInstructions"] is JsonArray { Count: > 0 })
            {
                return new VenueError(VenueErrorKind.BadResponse, "Jupiter's route needs cleanup instructions, which the crank does not run (no SOL is wrapped).");
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Jupiter's instructions are malformed: " + e.Message);
        }

        var tableAddresses = (body["addressLookupTableAddresses"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList();
        var (tables, tableError) = await LookupTables.ReadAsync(rpc, tableAddresses, cancellationToken);
        return tableError is not null ? tableError : new SwapRoute(setup, swap, tables!);
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(options.Value.JupiterUrl, path));
        if (options.Value.JupiterApiKey is { Length: > 0 } key)
        {
            request.Headers.Add("x-api-key", key);
        }

        return request;
    }

    /// <summary>Jupiter's 400 body is <c>{error, errorCode}</c>; a missing route is its own kind.</summary>
    private static VenueError Refine(JsonNode? body, VenueError error)
    {
        var code = body?["errorCode"]?.ToString();
        var message = body?["error"]?.ToString();
        if (error.Kind == VenueErrorKind.BadResponse && (code is "COULD_NOT_FIND_ANY_ROUTE" or "NO_ROUTES_FOUND" or "TOKEN_NOT_TRADABLE"
            || message?.Contains("route", StringComparison.OrdinalIgnoreCase) == true))
        {
            return new VenueError(VenueErrorKind.NoRoute, $"Jupiter: {code} {message}".Trim());
        }

        return message is null ? error : error with { Message = $"{error.Message} {code} {message}".Trim() };
    }

    private static TransactionInstruction Instruction(JsonNode? node)
    {
        var program = PublicKey.Parse(node?["programId"]?.GetValue<string>() ?? throw new FormatException("an instruction without programId"));
        var accounts = (node["accounts"] as JsonArray ?? []).Select(a => new AccountMeta(
            PublicKey.Parse(a!["pubkey"]!.GetValue<string>()), a["isSigner"]!.GetValue<bool>(), a["isWritable"]!.GetValue<bool>())).ToList();
        return new TransactionInstruction(program, accounts, Convert.FromBase64String(node["data"]?.GetValue<string>() ?? ""));
    }
}
