using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Solana;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback.Venues;

/// <summary>
/// Raydium's trade API (devnet): <c>GET compute/swap-base-in</c>, then <c>POST transaction/swap-base-in</c>,
/// whose one v0 transaction is re-stamped with a blockhash read here (so its last valid block height is
/// known and recorded) and signed by the crank. Answers are <c>{id, success, version, data | msg}</c>.
/// </summary>
public sealed class RaydiumVenue(HttpClient http, SolanaRpcClient rpc, IOptions<BuybackOptions> options) : SwapVenue
{
    public override string Name => "raydium";

    public override async Task<VenueResult<SwapQuote>> QuoteAsync(SwapRequest request, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"compute/swap-base-in?inputMint={request.UsdcMint}&outputMint={request.OutputMint}&amount={request.AmountIn}&slippageBps={request.SlippageBps}&txVersion=V0");
        var (body, error) = await VenueHttp.SendAsync(http, new HttpRequestMessage(HttpMethod.Get, new Uri(options.Value.RaydiumUrl, query)), Name, cancellationToken);
        if (Failure(body, error) is { } failure)
        {
            return failure;
        }

        var data = body!["data"];
        var outAmount = VenueHttp.Amount(data?["outputAmount"]);
        var threshold = VenueHttp.Amount(data?["otherAmountThreshold"]);
        var impact = VenueHttp.Bps(data?["priceImpactPct"], unit: 100m); // a percent: 0.12 is 12 bps
        if (outAmount is null || threshold is null || impact is null || VenueHttp.Amount(data?["inputAmount"]) != request.AmountIn)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Raydium's quote lacks inputAmount, outputAmount, otherAmountThreshold or priceImpactPct.");
        }

        if (outAmount == 0)
        {
            return new VenueError(VenueErrorKind.NoRoute, "Raydium quoted nothing out.");
        }

        var minimum = Math.Max(threshold.Value, SwapQuote.MinimumFor(outAmount.Value, request.SlippageBps));
        return new SwapQuote(Name, request, outAmount.Value, minimum, impact.Value, body);
    }

    public override async Task<VenueResult<SwapBuild>> BuildAsync(SwapQuote quote, SwapTaker taker, bool burnInSwap, CancellationToken cancellationToken)
    {
        var payload = new JsonObject
        {
            ["computeUnitPriceMicroLamports"] = "100000",
            ["swapResponse"] = quote.Raw!.DeepClone(),
            ["txVersion"] = "V0",
            ["wallet"] = taker.Signer.PublicKey.ToString(),
            ["wrapSol"] = false,
            ["unwrapSol"] = false,
            ["inputAccount"] = taker.Source.ToString(),
            ["outputAccount"] = taker.Destination.ToString(),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.RaydiumUrl, "transaction/swap-base-in"))
        {
            Content = new StringContent(payload.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var (body, error) = await VenueHttp.SendAsync(http, request, Name, cancellationToken);
        if (Failure(body, error) is { } failure)
        {
            return failure;
        }

        if (body!["data"] is not JsonArray { Count: 1 } transactions || transactions[0]?["transaction"]?.GetValue<string>() is not { } encoded)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Raydium did not answer with exactly one transaction.");
        }

        Message message;
        try
        {
            message = Transaction.Deserialize(Convert.FromBase64String(encoded)).Message;
        }
        catch (FormatException e)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Raydium's transaction does not decode: " + e.Message);
        }

        if (message.AccountKeys.Count == 0 || message.AccountKeys[0] != taker.Signer.PublicKey || message.Header.RequiredSignatures != 1)
        {
            return new VenueError(VenueErrorKind.BadResponse, "Raydium's transaction is not paid and signed by the crank alone.");
        }

        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            return new VenueError(VenueErrorKind.Unavailable, "No blockhash from the RPC.");
        }

        var blockhash = latest.Value!.Value;
        var transaction = new Transaction(message with { RecentBlockhash = blockhash.Blockhash }).Sign(taker.Signer);
        return new SwapBuild(transaction.Serialize(), transaction.Id, blockhash.LastValidBlockHeight, 0);
    }

    /// <summary><c>success: false</c> with <c>msg</c>: a missing route or pool, a failed simulation, or another refusal.</summary>
    private static VenueError? Failure(JsonNode? body, VenueError? error)
    {
        if (error is not null && error.Kind != VenueErrorKind.BadResponse)
        {
            return error;
        }

        if (body?["success"]?.GetValueKind() == System.Text.Json.JsonValueKind.True && error is null)
        {
            return null;
        }

        var message = body?["msg"]?.ToString() ?? error?.Message ?? "Raydium answered without success.";
        return message switch
        {
            _ when message.Contains("ROUTE", StringComparison.OrdinalIgnoreCase) || message.Contains("POOL", StringComparison.OrdinalIgnoreCase)
                || message.Contains("LIQUIDITY", StringComparison.OrdinalIgnoreCase) => new VenueError(VenueErrorKind.NoRoute, "Raydium: " + message),
            _ when message.Contains("SIMULAT", StringComparison.OrdinalIgnoreCase) => new VenueError(VenueErrorKind.SimulationFailed, "Raydium: " + message),
            _ => new VenueError(VenueErrorKind.BadResponse, "Raydium: " + message),
        };
    }
}
