using System.Diagnostics;
using System.Reflection;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;

namespace Bourse.Health;

/// <summary>Checks that the app can reach what it needs: table and queue storage, and the Solana RPC.</summary>
public sealed partial class HealthProbe(
    TableServiceClient tables,
    QueueServiceClient queues,
    SolanaRpcClient solana,
    TimeProvider time,
    ILogger<HealthProbe> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static string Version { get; } =
        typeof(HealthProbe).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    public async Task<HealthReport> CheckAsync(string app, CancellationToken cancellationToken)
    {
        var checks = await Task.WhenAll(
            ProbeAsync("tables", ct => tables.GetPropertiesAsync(ct), cancellationToken),
            ProbeAsync("queues", ct => queues.GetPropertiesAsync(ct), cancellationToken),
            ProbeAsync("solana-rpc", async ct => (await solana.GetSlotAsync(ct)).GetValueOrThrow(), cancellationToken));
        var status = checks.All(c => c.Status == HealthStatus.Healthy) ? HealthStatus.Healthy : HealthStatus.Unhealthy;
        return new HealthReport(status, app, Version, time.GetUtcNow(), checks);
    }

    private async Task<DependencyHealth> ProbeAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await probe(timeout.Token);
            return new DependencyHealth(name, HealthStatus.Healthy, Elapsed(started));
        }
        catch (Exception e) when (e is RequestFailedException or OperationCanceledException or InvalidOperationException)
        {
            var reason = e switch
            {
                RequestFailedException rfe => $"storage answered {rfe.Status} {rfe.ErrorCode}",
                InvalidOperationException => "the RPC node answered with an error or not at all",
                _ => "unreachable or timed out",
            };
            Log.DependencyUnhealthy(logger, name, reason);
            return new DependencyHealth(name, HealthStatus.Unhealthy, Elapsed(started), reason);
        }
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Health: {Dependency} is unhealthy: {Reason}")]
        public static partial void DependencyUnhealthy(ILogger logger, string dependency, string reason);
    }
}
