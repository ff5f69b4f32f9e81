using Bourse.Settlement;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SettlementServiceCollectionExtensions
{
    /// <summary>The settlement ledger and the usage-event consumer (section <c>Settlement</c>), vault payables and their sweeps (section <c>Treasury</c>). Needs the catalog, Solana RPC and x402 options.</summary>
    public static IServiceCollection AddBourseSettlement(this IServiceCollection services)
    {
        services.AddOptions<SettlementOptions>().BindConfiguration(SettlementOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TreasuryOptions>()
            .BindConfiguration(TreasuryOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidKeypair(), "Treasury:Keypair is not a Solana keypair (a JSON array of 64 numbers, or base58 of the 64 bytes).")
            .ValidateOnStart();
        services.TryAddSingleton<SettlementLedger>();
        services.TryAddSingleton<VaultPayables>();
        services.TryAddSingleton<CreatorFeeSweeper>();
        services.TryAddSingleton<UsagePosting>();
        return services;
    }
}
