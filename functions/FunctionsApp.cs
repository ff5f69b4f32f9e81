using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.Functions;

/// <summary>The functions app's services: called by <c>Program.cs</c> in Azure and by the local host.</summary>
public static class FunctionsApp
{
    public const string Name = "functions";

    public static IServiceCollection AddFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddBourseStorage(configuration);
        services.AddBourseHealth();
        services.AddSolanaRpc();
        services.AddListings();
        services.AddX402();
        services.AddBourseRouting(configuration);
        services.AddBourseSettlement();
        services.AddBourseBuyback();
        services.AddMarket();
        services.AddBourseSignIn();
        services.AddBourseDeposits();
        services.AddBourseCreators();
        services.AddX402Demo();
        services.AddSingleton<Bourse.Functions.Pages.SitePages>();
        services.AddBourseTelemetry(configuration, Name);
        return services;
    }
}
