using Bourse.Health;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class HealthServiceCollectionExtensions
{
    public static IServiceCollection AddBourseHealth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HealthProbe>();
        return services;
    }
}
