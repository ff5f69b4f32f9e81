using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Deposits;

/// <summary>
/// Solana Pay deposits (section <c>Deposits</c>). The recipient is the treasury wallet
/// (<c>X402:TreasuryAddress</c>) and the token is USDC (<c>X402:UsdcMint</c>): one treasury, named once.
/// </summary>
[AppScope("functions")]
public sealed class DepositOptions
{
    public const string SectionName = "Deposits";

    /// <summary>How long a transfer request is shown as payable (status <c>expired</c> after, unpaid).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after its expiry a deposit's reference is still watched: a late payment is credited too.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan WatchAfterExpiry { get; init; } = TimeSpan.FromDays(1);

    [Range(1, long.MaxValue)]
    public long MinimumAmount { get; init; } = 100_000;

    [Range(1, long.MaxValue)]
    public long MaximumAmount { get; init; } = 100_000_000_000;

    /// <summary>Solana Pay <c>label</c>: who asks to be paid, shown by the wallet.</summary>
    [StringLength(64, MinimumLength = 1)]
    public string Label { get; init; } = "Bourse";

    /// <summary>Solana Pay <c>message</c>: what the payment is for, shown by the wallet.</summary>
    [StringLength(128, MinimumLength = 1)]
    public string Message { get; init; } = "Bourse prepaid credits";

    /// <summary>How many open deposits one watcher run checks at once.</summary>
    [Range(1, 64)]
    public int WatchParallelism { get; init; } = 8;
}
