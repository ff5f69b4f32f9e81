using Bourse.Settlement;
using Bourse.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Settlement;

/// <summary>Posts each usage event from both rails to the settlement ledger, once.</summary>
public sealed class SettleUsageFunction(UsagePosting posting)
{
    [Function("SettleUsage")]
    public Task Run([QueueTrigger(QueueNames.Settlement)] string message, CancellationToken cancellationToken) =>
        posting.PostAsync(message, cancellationToken);
}
