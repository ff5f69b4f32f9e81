using Bourse.Creators;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class CreatorsServiceCollectionExtensions
{
    /// <summary>Creator applications and their approval into the listing registry (section <c>Creators</c>). Needs the listings, Solana RPC, treasury and x402 options.</summary>
    public static IServiceCollection AddBourseCreators(this IServiceCollection services)
    {
        services.AddOptions<CreatorOptions>()
            .BindConfiguration(CreatorOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.MinModelFeeBps <= o.MaxModelFeeBps, "Creators:MinModelFeeBps must not exceed Creators:MaxModelFeeBps.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CreatorApplications>();
        services.TryAddSingleton<ListingApproval>();
        return services;
    }
}
