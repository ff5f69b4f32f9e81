using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// One service container per app, as each app is its own worker process in Azure. Both see the
/// same configuration and write to the local host's logs.
/// </summary>
public sealed class FunctionAppServices(IEnumerable<FunctionApp> apps, IServiceProvider host) : IAsyncDisposable
{
    private readonly Dictionary<FunctionApp, ServiceProvider> _providers = apps.ToDictionary(app => app, app => Build(app, host));

    public IServiceProvider For(FunctionApp app) => _providers[app];

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers.Values)
        {
            await provider.DisposeAsync();
        }
    }

    private static ServiceProvider Build(FunctionApp app, IServiceProvider host)
    {
        var configuration = host.GetRequiredService<IConfiguration>();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton(host.GetRequiredService<ILoggerFactory>());
        services.AddSingleton(host.GetRequiredService<IWebHostEnvironment>());
        services.AddSingleton(host.GetRequiredService<IHostEnvironment>());
        services.AddSingleton(host.GetRequiredService<TimeProvider>());
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var diagnostics = new DiagnosticListener("Microsoft.AspNetCore");
        services.AddSingleton(diagnostics);
        services.AddSingleton<DiagnosticSource>(diagnostics);
        // What ConfigureFunctionsWebApplication() gives the worker: ASP.NET Core results and routing.
        services.AddRouting();
        services.AddMvcCore();
        services.AddProblemDetails();
        app.ConfigureServices(services, configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
