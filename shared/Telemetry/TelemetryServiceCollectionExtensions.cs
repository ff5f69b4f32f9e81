using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Bourse.Telemetry;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>
    /// OpenTelemetry for Bourse's own source and meter (<see cref="BourseTelemetry"/>): exported to Azure
    /// Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (as in Azure, by managed identity
    /// when <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> names one), to the console when
    /// <c>Telemetry:Console</c> is true, and otherwise collected with no exporter (locally: the
    /// instruments still run, so benchmarks pay for them).
    /// </summary>
    public static IServiceCollection AddBourseTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        var console = configuration.GetValue<bool>("Telemetry:Console");
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(BourseTelemetry.Name);
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(BourseTelemetry.Name);
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                if (ManagedIdentity(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]) is { } credential)
                {
                    options.Credential = credential;
                }
            });
        }

        return services;
    }

    /// <summary><c>ClientId=…;Authorization=AAD</c>: the user-assigned identity the app sends telemetry as.</summary>
    private static ManagedIdentityCredential? ManagedIdentity(string? authentication)
    {
        if (authentication is null || !authentication.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var clientId = authentication.Split(';').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0].Trim().Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1];
        return new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
