using Bourse.Buyback;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Buyback;

/// <summary>Plans a buyback job for each approved listing whose vault holds enough creator fees, and queues it.</summary>
public sealed class PlanBuybacksFunction(ListingVaults vaults, BuybackPlanner planner)
{
    [Function("PlanBuybacks")]
    public async Task Run([TimerTrigger("%BUYBACK_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await planner.PlanAsync(await vaults.ApprovedAsync(cancellationToken), cancellationToken);
}
