using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Market;
using Bourse.Settlement;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class MarketServiceCollectionExtensions
{
    /// <summary>The market API's reader. Needs storage, the listing registry and the catalog; volumes come from the settlement ledger's aggregates.</summary>
    public static IServiceCollection AddMarket(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new ChainTables(sp.GetRequiredService<TableServiceClient>()));
        services.TryAddSingleton<Bourse.Settlement.VaultPayables>();
        services.TryAddSingleton<SettlementLedger>();
        services.TryAddSingleton<MarketVolumes>();
        services.TryAddSingleton<MarketReader>();
        return services;
    }
}
