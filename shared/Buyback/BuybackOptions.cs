using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;
using Bourse.Settlement;

namespace Bourse.Buyback;

/// <summary>The buyback crank (section <c>Buyback</c>): when a vault's creator fees are bought back, how much at most, at what slippage, on which venue.</summary>
[AppScope("functions")]
public sealed class BuybackOptions
{
    public const string SectionName = "Buyback";

    /// <summary>
    /// The crank's keypair (Solana CLI file content or base58 of the 64 bytes). It signs for vaults whose
    /// authority it is and pays the fees of every crank transaction. A secret: Key Vault, never logged.
    /// Without it the crank plans nothing.
    /// </summary>
    [Secret]
    public string? CrankKeypair { get; init; }

    /// <summary>A vault is bought back from once its eligible creator-fee USDC reaches this much (micro-USDC).</summary>
    [Range(1, long.MaxValue)]
    public long Threshold { get; init; } = 10_000_000;

    /// <summary>The most one job spends (micro-USDC); the rest waits for the next window.</summary>
    [Range(1, long.MaxValue)]
    public long MaxAmountPerJob { get; init; } = 1_000_000_000;

    /// <summary>The worst a quote may be against the market's price (its price impact), and the minimum out's margin below the quote.</summary>
    [Range(1, 5_000)]
    public int MaxSlippageBps { get; init; } = 100;

    /// <summary>Planning windows: a vault gets at most one job per window (the job id is the vault and the window).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan PlanningWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Where to swap: <c>Auto</c> picks by network (Jupiter on mainnet, Raydium on devnet, the local pool when a market maker is configured).</summary>
    public SwapVenueKind Venue { get; init; } = SwapVenueKind.Auto;

    /// <summary>Jupiter's Metis swap API (mainnet).</summary>
    public Uri JupiterUrl { get; init; } = new("https://api.jup.ag/swap/v1/");

    /// <summary>Jupiter API key (header <c>x-api-key</c>). A secret: Key Vault, never logged.</summary>
    [Secret]
    public string? JupiterApiKey { get; init; }

    /// <summary>Raydium's trade API (devnet by default).</summary>
    public Uri RaydiumUrl { get; init; } = new("https://transaction-v1-devnet.raydium.io/");

    /// <summary>
    /// The local chain only: the market maker whose two token accounts per mint are the local venue's
    /// constant-product pool. A secret (it co-signs swaps); never set in Azure.
    /// </summary>
    [Secret]
    public string? MarketMakerKeypair { get; init; }

    /// <summary>The local pool's fee, taken from the input (bps).</summary>
    [Range(0, 1_000)]
    public int LocalPoolFeeBps { get; init; } = 30;

    /// <summary>How often a job retries a transient failure (venue rate limits, an expired transaction) before it fails.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; init; } = 8;

    /// <summary>How long a job waits before retrying a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The keypair <see cref="CrankKeypair"/> names, or null when unset.</summary>
    public Solana.Keypair? Crank() => TreasuryOptions.ParseKeypair(CrankKeypair);

    /// <summary>The keypair <see cref="MarketMakerKeypair"/> names, or null when unset.</summary>
    public Solana.Keypair? MarketMaker() => TreasuryOptions.ParseKeypair(MarketMakerKeypair);

    public bool HasValidKeypairs() =>
        new TreasuryOptions { Keypair = CrankKeypair }.HasValidKeypair() && new TreasuryOptions { Keypair = MarketMakerKeypair }.HasValidKeypair();
}
