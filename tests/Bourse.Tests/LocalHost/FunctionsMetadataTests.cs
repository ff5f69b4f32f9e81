using System.Text.Json;
using Bourse.Functions;
using Bourse.Indexer;
using Bourse.LocalHost.Hosting;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.LocalHost;

/// <summary>
/// What deploys is what the local host runs: the <c>functions.metadata</c> the Functions SDK wrote
/// for each app lists exactly the functions, triggers, routes, queues and schedules that the local
/// host reads from the same attributes.
/// </summary>
public sealed class FunctionsMetadataTests
{
    public static TheoryData<string> Apps => new() { FunctionsApp.Name, IndexerApp.Name };

    [Theory]
    [MemberData(nameof(Apps))]
    public void FunctionsMetadata_ListsExactlyTheFunctionsTheLocalHostServes(string appName)
    {
        var app = App(appName);
        var metadata = ReadMetadata(appName);
        var catalog = FunctionCatalog.Read(app).ToDictionary(f => f.Name);

        Assert.Equal(catalog.Keys.Order(StringComparer.Ordinal), metadata.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, function) in catalog)
        {
            var entry = metadata[name];
            Assert.Equal(function.EntryPoint, entry.GetProperty("entryPoint").GetString());
            Assert.Equal(app.Assembly.GetName().Name + ".dll", entry.GetProperty("scriptFile").GetString());
            AssertTrigger(function, entry.GetProperty("bindings").EnumerateArray().ToList());
        }
    }

    private static void AssertTrigger(FunctionDescriptor function, List<JsonElement> bindings)
    {
        var trigger = Assert.Single(bindings, b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        Assert.Equal(function.Trigger.ParameterName, trigger.GetProperty("name").GetString());
        switch (function.Trigger)
        {
            case HttpTrigger http:
                Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal(http.Route, trigger.GetProperty("route").GetString());
                Assert.Equal(http.AuthLevel, trigger.GetProperty("authLevel").GetString());
                Assert.Equal(
                    http.Methods.Order(StringComparer.Ordinal),
                    trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order(StringComparer.Ordinal));
                // Without an http output binding the real host would never send the function's response.
                Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "Out");
                break;
            case QueueTrigger queue:
                Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal(queue.QueueName, trigger.GetProperty("queueName").GetString());
                Assert.Equal(queue.Connection, trigger.TryGetProperty("connection", out var c) && c.GetString() is { Length: > 0 } s ? s : "AzureWebJobsStorage");
                break;
            case TimerTrigger timer:
                Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
                Assert.Equal(timer.Schedule, trigger.GetProperty("schedule").GetString());
                Assert.Equal(timer.RunOnStartup, trigger.TryGetProperty("runOnStartup", out var r) && r.GetBoolean());
                break;
            default:
                Assert.Fail($"Unexpected trigger {function.Trigger}");
                break;
        }
    }

    private static FunctionApp App(string name) => name switch
    {
        FunctionsApp.Name => new FunctionApp(name, typeof(FunctionsApp).Assembly, (s, c) => s.AddFunctionsApp(c)),
        IndexerApp.Name => new FunctionApp(name, typeof(IndexerApp).Assembly, (s, c) => s.AddIndexerApp(c)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static Dictionary<string, JsonElement> ReadMetadata(string appName)
    {
        // tests/Bourse.Tests/bin/<Configuration>/net10.0/ → <app>/bin/<Configuration>/net10.0/functions.metadata
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var path = Path.Combine(LocalStack.RepositoryRoot, appName, "bin", output.Parent!.Name, output.Name, "functions.metadata");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("name").GetString()!, e => e.Clone());
    }
}
