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
        // The x402 rail needs its settings (X402: treasury, facilitator, …) and Solana RPC; without an
        // X402 section only its discovery document is served, with default settings.
        if (configuration.GetSection(Bourse.Payments.X402.X402Options.SectionName).Exists())
        {
            services.AddX402();
        }

        return services;
    }
}
