using Bourse.Payments.X402;
using Bourse.Usage;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>
/// Sends usage events a crash left behind: credits charged but not sent, and paid x402 calls that
/// never reported their usage (given long enough to finish streaming first).
/// </summary>
public sealed class ResendUsageEventsFunction(UsageOutbox credits, PaidUsageOutbox paid)
{
    [Function("ResendUsageEvents")]
    public async Task Run([TimerTrigger("30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await credits.ResendStaleAsync(TimeSpan.FromMinutes(1), cancellationToken);
        await paid.ResendStaleAsync(TimeSpan.FromMinutes(15), cancellationToken);
    }
}
