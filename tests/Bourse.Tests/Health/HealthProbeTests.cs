using System.Net;
using System.Net.Sockets;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Health;
using Bourse.Solana.Rpc;
using Bourse.Tests.Solana.Rpc;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Health;

public sealed class HealthProbeTests
{
    [Fact]
    public async Task CheckAsync_StorageReachable_IsHealthy()
    {
        var storage = LocalStack.Instance.Storage;
        var probe = new HealthProbe(
            new TableServiceClient(storage), new QueueServiceClient(storage), SolanaRpcClientChainTests.CreateClient(), TimeProvider.System, NullLogger<HealthProbe>.Instance);

        var report = await probe.CheckAsync("functions", CancellationToken.None);

        Assert.True(report.IsHealthy);
    }

    [Fact]
    public async Task CheckAsync_StorageDown_IsUnhealthyWithoutLeakingTheConnection()
    {
        var port = ClosedPort();
        var key = Convert.ToBase64String(new byte[64]);
        var storage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};" +
                      $"QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var noRetry = new HttpClientTransport(new HttpClient());
        var probe = new HealthProbe(
            new TableServiceClient(storage, new TableClientOptions { Retry = { MaxRetries = 0 }, Transport = noRetry }),
            new QueueServiceClient(storage, new QueueClientOptions { Retry = { MaxRetries = 0 }, Transport = noRetry }),
            new SolanaRpcClient(
                new HttpClient(),
                Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri($"http://127.0.0.1:{port}")], MaxRetries = 0 }),
                TimeProvider.System,
                NullLogger<SolanaRpcClient>.Instance),
            TimeProvider.System,
            NullLogger<HealthProbe>.Instance);

        var report = await probe.CheckAsync("functions", CancellationToken.None);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.All(report.Dependencies, d => Assert.Equal(HealthStatus.Unhealthy, d.Status));
        Assert.All(report.Dependencies, d => Assert.DoesNotContain(key, d.Error, StringComparison.Ordinal));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
