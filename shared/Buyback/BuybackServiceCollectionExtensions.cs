using Bourse.Buyback;
using Bourse.Buyback.Harvest;
using Bourse.Buyback.Venues;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class BuybackServiceCollectionExtensions
{
    /// <summary>
    /// The buyback crank (section <c>Buyback</c>: planner, queue, job runner, swap venues) and the
    /// Token-2022 fee harvest (section <c>Harvest</c>). Needs storage, Solana RPC, listings, settlement and x402 options.
    /// </summary>
    public static IServiceCollection AddBourseBuyback(this IServiceCollection services)
    {
        services.AddOptions<BuybackOptions>()
            .BindConfiguration(BuybackOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidKeypairs(), "Buyback:CrankKeypair or Buyback:MarketMakerKeypair is not a Solana keypair (a JSON array of 64 numbers, or base58 of the 64 bytes).")
            .ValidateOnStart();
        services.AddOptions<HarvestOptions>()
            .BindConfiguration(HarvestOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.HasValidKeypair(), "Harvest:WithdrawAuthorityKeypair is not a Solana keypair (a JSON array of 64 numbers, or base58 of the 64 bytes).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<JupiterVenue>(http => http.Timeout = TimeSpan.FromSeconds(20));
        services.AddHttpClient<RaydiumVenue>(http => http.Timeout = TimeSpan.FromSeconds(20));
        services.TryAddSingleton<SwapVenues>();
        services.TryAddSingleton(_ => new ProgramVaultInstructions());
        services.TryAddSingleton<BuybackJobs>();
        services.TryAddSingleton<BuybackQueue>();
        services.TryAddSingleton<ListingVaults>();
        services.TryAddSingleton<BuybackPlanner>();
        services.TryAddSingleton<BuybackRunner>();
        services.TryAddSingleton<FeeHarvests>();
        services.TryAddSingleton<FeeHarvester>();
        return services;
    }
}
