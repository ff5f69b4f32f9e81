using Bourse.Buyback;
using Bourse.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Buyback;

/// <summary>Runs (or resumes) one buyback job from the <c>buyback</c> queue; a job still waiting on the chain or a venue is queued again for later.</summary>
public sealed class RunBuybackFunction(BuybackRunner runner, BuybackQueue queue)
{
    [Function("RunBuyback")]
    public Task Run([QueueTrigger(QueueNames.Buyback)] string message, CancellationToken cancellationToken) =>
        runner.RunMessageAsync(message, queue, cancellationToken);
}
