namespace Bourse.Buyback;

/// <summary>Where a run left a job: finished (done or failed), or open with a time to look again.</summary>
public sealed record BuybackRun(BuybackJob? Job, TimeSpan? RetryAfter = null)
{
    public bool Finished => Job is { IsOpen: false };
}
