using Bourse.Usage;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>Sends usage events whose charge committed but whose send did not (a crash in between).</summary>
public sealed class ResendUsageEventsFunction(UsageOutbox outbox)
{
    [Function("ResendUsageEvents")]
    public Task Run([TimerTrigger("30 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        outbox.ResendStaleAsync(TimeSpan.FromMinutes(1), cancellationToken);
}
