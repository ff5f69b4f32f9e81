using Bourse.Listings;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class ListingsServiceCollectionExtensions
{
    /// <summary>
    /// The listing registry: <see cref="ListingStore"/> (writes, for the indexer and admin approval) and
    /// <see cref="ListingRegistry"/> (the in-memory snapshot the request path reads; section <c>Listings</c>).
    /// Needs storage.
    /// </summary>
    public static IServiceCollection AddListings(this IServiceCollection services)
    {
        services.AddOptions<ListingsOptions>().BindConfiguration(ListingsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ListingStore>();
        services.TryAddSingleton<ListingRegistry>();
        return services;
    }
}
