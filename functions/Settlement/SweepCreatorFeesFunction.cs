using Bourse.Settlement;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Settlement;

/// <summary>Moves each model's swept-due creator fees from the treasury to its vault on chain.</summary>
public sealed class SweepCreatorFeesFunction(CreatorFeeSweeper sweeper)
{
    [Function("SweepCreatorFees")]
    public Task Run([TimerTrigger("%SWEEP_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        sweeper.RunAsync(cancellationToken);
}
