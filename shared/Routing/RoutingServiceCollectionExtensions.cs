using Bourse.Accounts;
using Bourse.Catalog;
using Bourse.Payments.X402;
using Bourse.Routing;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// The catalog (from <c>catalog.json</c> beside the app, overridable by app settings), providers
    /// (<c>Providers:&lt;Name&gt;:BaseUrl|ApiKey</c>), the router and rail 1's services.
    /// </summary>
    public static IServiceCollection AddBourseRouting(this IServiceCollection services, IConfiguration configuration)
    {
        var catalog = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "catalog.json"), optional: true)
            .AddConfiguration(configuration)
            .Build();
        services.AddOptions<CatalogOptions>()
            .Bind(catalog.GetSection(CatalogOptions.SectionName))
            .Validate(o => o.Models.Count > 0 && o.Models.All(m => m.Offers.Count > 0), "The catalog needs models, each with at least one offer.")
            .ValidateOnStart();
        services.AddOptions<Dictionary<string, ProviderEndpoint>>().Bind(configuration.GetSection("Providers"));
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ModelCatalog>();
        services.TryAddSingleton<TokenEstimator>();
        services.TryAddSingleton<OfferBreakers>();
        services.TryAddSingleton<FreeQuota>();
        services.AddHttpClient(nameof(UpstreamClient))
            .RemoveAllLoggers() // two log scopes per call on the hot path; failures are logged by the router itself
            .ConfigureHttpClient(http => http.Timeout = Timeout.InfiniteTimeSpan) // streams: the router times the first byte, the relay the silences
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None, // identity bodies: nothing to inflate per call, SSE passes through as sent
            });
        // One client for the process: its handler pools connections (and renews them every 5 minutes, so DNS changes
        // are followed), so nothing is built per call along the rail.
        services.TryAddSingleton(sp => new UpstreamClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(UpstreamClient)), sp.GetRequiredService<ModelCatalog>()));
        services.TryAddSingleton<ChatRouter>();
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<AdminAuthorizer>();
        services.TryAddSingleton<CreditAccountTable>();
        services.TryAddSingleton<CreditAccounts>();
        services.TryAddSingleton<CreditHolds>();
        services.TryAddSingleton<CreditLeases>();
        services.TryAddSingleton<CreditJanitor>();
        services.TryAddSingleton<PendingBilling>();
        services.TryAddSingleton<DueIndex>();
        services.AddHostedService<LeaseKeeper>();
        services.TryAddSingleton<UsageEventPublisher>();
        services.TryAddSingleton<UsageOutbox>();
        services.TryAddSingleton<PaidUsageOutbox>();
        services.TryAddSingleton<KeyRateLimiter>();
        services.TryAddSingleton<CreditsChatRail>();
        services.TryAddSingleton<X402ChatRail>();
        return services;
    }
}
