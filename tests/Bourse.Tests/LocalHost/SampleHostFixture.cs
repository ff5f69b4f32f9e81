using Azure.Storage.Queues;
using Bourse.LocalHost;
using Bourse.LocalHost.Hosting;
using Bourse.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.Tests.LocalHost;

/// <summary>
/// The local host running the sample app on a free port against the stack's Azurite, with its own
/// queue name and a host.json that retries quickly (and with maxDequeueCount 3, not the default 5).
/// </summary>
public sealed class SampleHostFixture : IAsyncLifetime
{
    public const int MaxDequeueCount = 3;

    private WebApplication? _app;

    public SampleJournal Journal { get; } = new();

    public string QueueName { get; } = "sample-" + Guid.NewGuid().ToString("N")[..12];

    public HttpClient Http { get; } = new();

    public QueueClient Queue => new(LocalStack.Instance.Storage, QueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public QueueClient PoisonQueue => new(LocalStack.Instance.Storage, QueueName + "-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    public QueueClient RawQueue => new(LocalStack.Instance.Storage, QueueName);

    public QueueClient RawPoisonQueue => new(LocalStack.Instance.Storage, QueueName + "-poison");

    public async Task InitializeAsync()
    {
        var hostJson = Path.Combine(Path.GetTempPath(), $"host-{QueueName}.json");
        await File.WriteAllTextAsync(hostJson, $$"""
            { "version": "2.0", "extensions": {
                "http": { "routePrefix": "api" },
                "queues": { "batchSize": 8, "maxDequeueCount": {{MaxDequeueCount}}, "visibilityTimeout": "00:00:00", "maxPollingInterval": "00:00:00.200" } } }
            """);
        var app = new FunctionApp("sample", typeof(SampleFunctions).Assembly, (services, _) => services.AddSingleton(Journal));
        _app = LocalFunctionsHost.Build(["--urls", "http://127.0.0.1:0"], [app], builder => builder.Configuration.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = LocalStack.Instance.Storage,
                ["SampleQueue"] = QueueName,
                ["SampleSchedule"] = "*/1 * * * * *",
                ["LocalHost:HostJson"] = hostJson,
            }));
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Http.BaseAddress = new Uri(address);
        Http.Timeout = TimeSpan.FromSeconds(30);
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Queue.DeleteIfExistsAsync();
        await PoisonQueue.DeleteIfExistsAsync();
    }
}
