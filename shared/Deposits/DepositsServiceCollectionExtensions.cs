using Bourse.Deposits;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class DepositsServiceCollectionExtensions
{
    /// <summary>Solana Pay deposits and their watcher (section <c>Deposits</c>). Needs the credit accounts, Solana RPC and the x402 options (treasury, USDC).</summary>
    public static IServiceCollection AddBourseDeposits(this IServiceCollection services)
    {
        services.AddOptions<DepositOptions>()
            .BindConfiguration(DepositOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.MinimumAmount <= o.MaximumAmount, "Deposits:MinimumAmount must not exceed Deposits:MaximumAmount.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SolanaPayDeposits>();
        services.TryAddSingleton<DepositWatcher>();
        return services;
    }
}
