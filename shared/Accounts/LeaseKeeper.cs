using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// Runs <see cref="CreditLeases.TickAsync"/> every <see cref="AccountsOptions.FlushInterval"/>: buffered
/// charges committed, leases renewed, topped up or released, usage events sent in batches. On a
/// graceful stop it commits what is buffered, waits for exact-hold billing still running and releases
/// every lease.
/// </summary>
public sealed partial class LeaseKeeper(CreditLeases leases, PendingBilling pending, IOptions<AccountsOptions> options, TimeProvider time, ILogger<LeaseKeeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await leases.TickAsync(releaseAll: false, stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.TickFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await pending.DrainAsync(cancellationToken);
        for (var round = 0; round < 3; round++)
        {
            await leases.TickAsync(releaseAll: true, CancellationToken.None);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2410, LogLevel.Warning, "Lease keeper tick failed")]
        public static partial void TickFailed(ILogger logger, Exception exception);
    }
}
