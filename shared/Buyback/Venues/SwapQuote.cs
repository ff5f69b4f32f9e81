using System.Text.Json.Nodes;

namespace Bourse.Buyback.Venues;

/// <summary>
/// A venue's answer: what <see cref="SwapRequest.AmountIn"/> buys (<see cref="OutAmount"/>, net of a
/// Token-2022 transfer fee where the venue knows it), the least the swap may deliver
/// (<see cref="MinimumOut"/>) and how far the price moves against the market's (<see cref="PriceImpactBps"/>).
/// <see cref="Raw"/> is the venue's own quote, passed back when building.
/// </summary>
public sealed record SwapQuote(string Venue, SwapRequest Request, long OutAmount, long MinimumOut, int PriceImpactBps, JsonNode? Raw = null)
{
    /// <summary>The minimum out a slippage cap allows below a quoted amount (rounded down).</summary>
    public static long MinimumFor(long outAmount, int slippageBps) => (long)((UInt128)(ulong)outAmount * (ulong)(10_000 - slippageBps) / 10_000);
}
