using Bourse.Solana.Rpc;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SolanaServiceCollectionExtensions
{
    /// <summary>The Solana RPC client (section <c>Solana</c>: <c>RpcUrls</c>, <c>Commitment</c>, …) and the transaction sender.</summary>
    public static IServiceCollection AddSolanaRpc(this IServiceCollection services)
    {
        services.AddOptions<SolanaRpcOptions>()
            .BindConfiguration(SolanaRpcOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient<SolanaRpcClient>()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
        services.TryAddTransient<TransactionSender>();
        return services;
    }
}
