using Bourse.Solana;

namespace Bourse.Buyback.Venues;

/// <summary>
/// Where the crank swaps USDC for a model's token (the seam between the job and a market): Jupiter on
/// mainnet, Raydium's trade API on devnet, a local constant-product pool on the local chain.
/// </summary>
public abstract class SwapVenue
{
    public abstract string Name { get; }

    /// <summary>Prices the swap; the job checks the quote against its slippage cap before building.</summary>
    public abstract Task<VenueResult<SwapQuote>> QuoteAsync(SwapRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Builds and signs the swap for <paramref name="taker"/>, delivering at least the quote's minimum
    /// out; with <paramref name="burnInSwap"/> the venue may burn the minimum out in the same
    /// transaction where it fits (and says so in <see cref="SwapBuild.BurnedInSwap"/>).
    /// </summary>
    public abstract Task<VenueResult<SwapBuild>> BuildAsync(SwapQuote quote, SwapTaker taker, bool burnInSwap, CancellationToken cancellationToken);

    /// <summary>
    /// The swap as instructions for <paramref name="owner"/> (a program's vault authority, which the
    /// program signs for), paying from <paramref name="source"/> into <paramref name="destination"/>: what
    /// a program-owned vault's <c>buyback</c> passes through. Venues that only build whole transactions cannot.
    /// </summary>
    public virtual Task<VenueResult<SwapRoute>> RouteAsync(SwapQuote quote, PublicKey owner, PublicKey source, PublicKey destination, CancellationToken cancellationToken) =>
        Task.FromResult<VenueResult<SwapRoute>>(new VenueError(VenueErrorKind.NoRoute, $"The {Name} venue cannot route a program-owned vault's swap."));
}
