using System.ComponentModel.DataAnnotations;

namespace Bourse.Solana.Rpc;

public sealed class SolanaRpcOptions
{
    public const string SectionName = "Solana";

    /// <summary>RPC endpoints in order of preference; requests fail over to the next one.</summary>
    [Required]
    [MinLength(1)]
    public IList<Uri> RpcUrls { get; init; } = [];

    /// <summary>Commitment for reads and confirmations: processed, confirmed or finalized.</summary>
    [RegularExpression("^(processed|confirmed|finalized)$")]
    public string Commitment { get; init; } = "confirmed";

    /// <summary>Retries after a 429 or 5xx (each on the next URL), with jittered exponential backoff.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; init; } = 4;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often the sender polls a sent transaction's status, and re-sends it while it is unseen.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:30")]
    public TimeSpan ConfirmationPollInterval { get; init; } = TimeSpan.FromMilliseconds(400);
}
