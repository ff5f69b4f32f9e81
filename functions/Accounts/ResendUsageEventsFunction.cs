using Bourse.Payments.X402;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>
/// Sends the usage events of paid x402 calls that never reported their usage (given long enough to
/// finish streaming first). Rail 1's events left behind by a crash are sent by the credit janitor when
/// their hold or lease expires (<see cref="Bourse.Accounts.CreditJanitor"/>).
/// </summary>
public sealed class ResendUsageEventsFunction(PaidUsageOutbox paid)
{
    [Function("ResendUsageEvents")]
    public async Task Run([TimerTrigger("30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        await paid.ResendStaleAsync(TimeSpan.FromMinutes(15), cancellationToken);
}
