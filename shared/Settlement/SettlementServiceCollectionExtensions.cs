using Bourse.Settlement;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SettlementServiceCollectionExtensions
{
    /// <summary>The settlement ledger and the usage-event consumer (section <c>Settlement</c>). Needs the catalog.</summary>
    public static IServiceCollection AddBourseSettlement(this IServiceCollection services)
    {
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SettlementLedger>();
        services.TryAddSingleton<UsageSettlement>();
        return services;
    }
}
