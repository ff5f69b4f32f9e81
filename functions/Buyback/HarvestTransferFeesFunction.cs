using Bourse.Buyback;
using Bourse.Buyback.Harvest;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Buyback;

/// <summary>Harvests the transfer fees Token-2022 listings withheld and withdraws them to the treasury.</summary>
public sealed class HarvestTransferFeesFunction(ListingVaults vaults, FeeHarvester harvester)
{
    [Function("HarvestTransferFees")]
    public async Task Run([TimerTrigger("%HARVEST_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        await harvester.RunAsync(await vaults.ApprovedAsync(cancellationToken), cancellationToken);
}
