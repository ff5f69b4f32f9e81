using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// Starts and stops the hosted services each app registers in its own container (as the isolated worker
/// host does for its app), e.g. the lease keeper that commits buffered charges; stopped gracefully with
/// the local host, before the containers are disposed.
/// </summary>
public sealed class AppHostedServices(FunctionAppServices apps, IEnumerable<FunctionApp> catalog) : IHostedService
{
    private readonly List<IHostedService> _started = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var app in catalog)
        {
            foreach (var service in apps.For(app).GetServices<IHostedService>())
            {
                await service.StartAsync(cancellationToken);
                _started.Add(service);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(cancellationToken);
        }
    }
}
