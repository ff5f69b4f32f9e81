using Bourse.Payments.X402;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback.Venues;

/// <summary>Picks the venue by network: Jupiter on mainnet, the local pool when a market maker is configured, Raydium otherwise (devnet).</summary>
public sealed class SwapVenues
{
    private readonly Lazy<SwapVenue> _venue;

    public SwapVenues(IServiceProvider services, IOptions<BuybackOptions> options, IOptions<X402Options> x402) =>
        _venue = new(() => Create(services, options.Value, x402.Value));

    /// <summary>Always <paramref name="venue"/> (tests).</summary>
    internal SwapVenues(SwapVenue venue) => _venue = new(venue);

    public SwapVenue Current => _venue.Value;

    public static SwapVenueKind Choose(BuybackOptions options, string network) => options.Venue switch
    {
        not SwapVenueKind.Auto => options.Venue,
        _ when network == X402Networks.SolanaMainnet => SwapVenueKind.Jupiter,
        _ when options.MarketMakerKeypair is { Length: > 0 } => SwapVenueKind.Local,
        _ => SwapVenueKind.Raydium,
    };

    private static SwapVenue Create(IServiceProvider services, BuybackOptions options, X402Options x402) => Choose(options, x402.Network) switch
    {
        SwapVenueKind.Jupiter => services.GetRequiredService<JupiterVenue>(),
        SwapVenueKind.Raydium => services.GetRequiredService<RaydiumVenue>(),
        _ => new LocalPoolVenue(
            services.GetRequiredService<SolanaRpcClient>(),
            options.MarketMaker() ?? throw new InvalidOperationException("The local venue needs Buyback:MarketMakerKeypair."),
            options.LocalPoolFeeBps),
    };
}
