using Bourse.LocalHost.Admin;
using Bourse.LocalHost.Hosting;
using Bourse.LocalHost.Http;
using Bourse.LocalHost.Queues;
using Bourse.LocalHost.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Bourse.LocalHost;

/// <summary>
/// Hosts Functions apps without the Functions host: HTTP routes, queue triggers and timers read
/// from the apps' own attributes, with the same configuration keys as in Azure.
/// </summary>
public static class LocalFunctionsHost
{
    public static WebApplication Build(string[] args, IReadOnlyList<FunctionApp> apps, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
                ["Logging:LogLevel:Azure"] = "Warning",
            },
        });
        builder.WebHost.ConfigureKestrel(HostErrorResponses.RaiseKestrelLimits);
        configure?.Invoke(builder);

        var hostJson = builder.Configuration["LocalHost:HostJson"] ?? Path.Combine(AppContext.BaseDirectory, "host.json");
        var settings = HostSettings.Load(hostJson);
        var functions = FunctionCatalog.Read(apps);

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<MeterTotals>();
        builder.Services.AddSingleton(sp => new FunctionAppServices(apps, sp));
        builder.Services.AddSingleton<IHostedService>(sp => new AppHostedServices(sp.GetRequiredService<FunctionAppServices>(), apps)); // stops after the triggers
        builder.Services.AddSingleton<FunctionInvoker>();
        builder.Services.AddProblemDetails();
        foreach (var function in functions)
        {
            switch (function.Trigger)
            {
                case QueueTrigger:
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<QueueFunctionListener>(sp, function));
                    break;
                case TimerTrigger:
                    builder.Services.AddSingleton<IHostedService>(sp => ActivatorUtilities.CreateInstance<TimerFunctionScheduler>(sp, function));
                    break;
            }
        }

        var app = builder.Build();
        _ = app.Services.GetRequiredService<FunctionAppServices>(); // fail at start-up, not on the first request
        _ = app.Services.GetRequiredService<MeterTotals>(); // counting from the first call
        app.UseHostErrorResponses();
        app.MapHttpFunctions(functions);
        app.MapAdminEndpoints(functions);
        return app;
    }
}
