using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.Indexer;

/// <summary>The indexer app's services: called by <c>Program.cs</c> in Azure and by the local host.</summary>
public static class IndexerApp
{
    public const string Name = "indexer";

    public static IServiceCollection AddIndexerApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBourseStorage(configuration);
        services.AddBourseHealth();
        services.AddSolanaRpc();
        services.AddListings();
        return services;
    }
}
