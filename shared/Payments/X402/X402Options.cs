using System.ComponentModel.DataAnnotations;

namespace Bourse.Payments.X402;

/// <summary>The x402 rail (section <c>X402</c>). Amounts are USDC atomic units (6 decimals).</summary>
[Bourse.Configuration.AppScope("functions")]
public sealed class X402Options
{
    public const string SectionName = "X402";

    internal const string AddressPattern = "^[1-9A-HJ-NP-Za-km-z]{32,44}$";

    /// <summary>CAIP-2 network; the v1 name is derived (<see cref="V1Network"/>).</summary>
    [Required]
    [AllowedValues(X402Networks.SolanaMainnet, X402Networks.SolanaDevnet, X402Networks.SolanaTestnet)]
    public string Network { get; init; } = X402Networks.SolanaDevnet;

    [Required]
    [RegularExpression(AddressPattern)]
    public string UsdcMint { get; init; } = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

    /// <summary>The facilitator (PayAI by default; the local one in development).</summary>
    [Required]
    public Uri FacilitatorUrl { get; init; } = new("https://facilitator.payai.network");

    /// <summary>PayAI API key id (<c>PAYAI_API_KEY_ID</c>); with <see cref="PayAiKeySecret"/>, calls carry a signed JWT.</summary>
    public string? PayAiKeyId { get; init; }

    /// <summary>PayAI API key secret (<c>payai_sk_</c> + base64 PKCS#8 Ed25519). A secret: Key Vault, never logged.</summary>
    [Bourse.Configuration.Secret]
    public string? PayAiKeySecret { get; init; }

    /// <summary>The floor of every quote.</summary>
    [Range(1, 1_000_000_000)]
    public long MinimumPrice { get; init; } = 1_000;

    /// <summary>The quote for a request that cannot be priced ({} or an unknown model): minimum price + default output cap.</summary>
    [Range(1, 1_000_000_000)]
    public long DefaultPrice { get; init; } = 10_000;

    [Range(1, 3600)]
    public int MaxTimeoutSeconds { get; init; } = 300;

    /// <summary>payTo for requests whose model has no paid listing (see <c>Bourse.Listings</c>).</summary>
    [Required]
    [RegularExpression(AddressPattern)]
    public string TreasuryAddress { get; init; } = "";

    /// <summary>Public origin for the absolute <c>resource</c> URL; otherwise taken from the request.</summary>
    public Uri? PublicBaseUrl { get; init; }

    public string ServiceName { get; init; } = "Bourse";

    public string Description { get; init; } = "OpenAI-compatible chat completions, paid per call in USDC";

    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan SupportedRefreshInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Per-attempt timeout of <c>/supported</c> and <c>/verify</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan FacilitatorTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Timeout of <c>/settle</c> (the facilitator polls the chain for up to 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Retries after a 429 (all calls) or a 5xx/timeout (<c>/supported</c> and <c>/verify</c> only).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; init; } = 3;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A Retry-After longer than this is not waited for: the call fails as rate limited.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(10);

    public string? V1Network => X402Networks.ToV1Name(Network);
}
