using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.LocalHost;

/// <summary>The running stack's apps answer their health routes with storage and the chain reachable.</summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData("health", "functions")]
    [InlineData("indexer/health", "indexer")]
    public async Task Health_OnTheRunningStack_IsHealthyWithVersionAndStorage(string route, string app)
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{LocalStack.Instance.Api}/{route}");
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", report.GetProperty("status").GetString());
        Assert.Equal(app, report.GetProperty("app").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", report.GetProperty("version").GetString());
        Assert.Equal(["queues", "solana-rpc", "tables"], report.GetProperty("dependencies").EnumerateArray()
            .Where(d => d.GetProperty("status").GetString() == "healthy")
            .Select(d => d.GetProperty("name").GetString()!).Order(StringComparer.Ordinal));
    }
}
