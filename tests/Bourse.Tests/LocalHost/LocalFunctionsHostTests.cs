using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.LocalHost;

public sealed class LocalFunctionsHostTests(SampleHostFixture host) : IClassFixture<SampleHostFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task HttpFunction_RouteParametersAndMethods_AreHonoured()
    {
        using var response = await host.Http.PostAsync("/api/sample/echo/alice/42?q=hi", content: null);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", body.GetProperty("name").GetString());
        Assert.Equal(42, body.GetProperty("count").GetInt32());
        Assert.Equal("POST", body.GetProperty("method").GetString());
        Assert.Equal("hi", body.GetProperty("query").GetString());
    }

    [Fact]
    public async Task HttpFunction_UndeclaredMethodOrConstraint_IsNotRouted()
    {
        using var put = await host.Http.PutAsync("/api/sample/echo/alice/42", content: null);
        using var notInt = await host.Http.GetAsync("/api/sample/echo/alice/many");
        using var noPrefix = await host.Http.GetAsync("/sample/echo/alice/42");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notInt.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noPrefix.StatusCode);
    }

    [Fact]
    public async Task HttpFunction_Throws_Answers500WithoutDetail()
    {
        using var response = await host.Http.GetAsync("/api/sample/throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.DoesNotContain("secret", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SseFunction_StreamsEachEventBeforeTheNextIsWritten()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/sample/stream");
        using var response = await host.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        // The server writes event n+1 only after the test has read event n and opened the gate,
        // so this order can only complete if every event reaches the client on its own.
        Assert.Equal("data: 1", await ReadEventAsync(reader));
        host.Journal.StreamGate.Release();
        Assert.Equal("data: 2", await ReadEventAsync(reader));
        host.Journal.StreamGate.Release();
        Assert.Equal("data: 3", await ReadEventAsync(reader));
        Assert.Equal("data: [DONE]", await ReadEventAsync(reader));
    }

    [Fact]
    public async Task QueueFunction_Base64Message_IsDeliveredAndDeleted()
    {
        var body = "hello " + Guid.NewGuid();
        await host.Queue.SendMessageAsync(body);

        var delivered = await NextDeliveryAsync(body);

        Assert.Equal(1, delivered.DequeueCount);
        await WaitUntilAsync(async () => (await host.RawQueue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
    }

    [Fact]
    public async Task QueueFunction_KeepsFailing_PoisonedAfterExactlyMaxDequeueCountTries()
    {
        await host.Queue.SendMessageAsync("boom");

        var poisoned = await WaitForMessageAsync(host.PoisonQueue);

        Assert.Equal("boom", poisoned);
        Assert.Equal(Enumerable.Range(1, SampleHostFixture.MaxDequeueCount).Select(i => (long)i), host.Journal.Attempts.ToArray());
    }

    [Fact]
    public async Task QueueFunction_NotBase64_PoisonedUntried()
    {
        await host.RawQueue.SendMessageAsync("not base64 at all!");

        var poisoned = await WaitForMessageAsync(host.RawPoisonQueue);

        Assert.Equal("not base64 at all!", poisoned);
    }

    [Fact]
    public async Task TimerFunction_FiresOnItsSchedule()
    {
        var first = await NextFiringAsync("SampleTick");
        var second = await NextFiringAsync("SampleTick");

        Assert.False(first.IsPastDue);
        Assert.False(second.IsPastDue);
    }

    [Fact]
    public async Task TimerFunction_RunNowThroughAdminApi_FiresOnce()
    {
        using var response = await host.Http.PostAsJsonAsync("/admin/functions/SampleYearly", new { input = "" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("SampleYearly", (await NextFiringAsync("SampleYearly")).Function);
    }

    [Fact]
    public async Task AdminApi_UnknownFunction_Answers404()
    {
        using var response = await host.Http.PostAsJsonAsync("/admin/functions/NoSuchFunction", new { input = "" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<string?> ReadEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var line = await reader.ReadLineAsync(timeout.Token);
        var blank = await reader.ReadLineAsync(timeout.Token);
        Assert.Equal(string.Empty, blank);
        return line;
    }

    private async Task<(string Body, long DequeueCount)> NextDeliveryAsync(string body)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var delivery = await host.Journal.Deliveries.Reader.ReadAsync(timeout.Token);
            if (delivery.Body == body)
            {
                return delivery;
            }
        }
    }

    private async Task<(string Function, bool IsPastDue)> NextFiringAsync(string function)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var firing = await host.Journal.TimerFirings.Reader.ReadAsync(timeout.Token);
            if (firing.Function == function)
            {
                return firing;
            }
        }
    }

    private static async Task<string> WaitForMessageAsync(Azure.Storage.Queues.QueueClient queue)
    {
        string? body = null;
        await WaitUntilAsync(async () =>
        {
            if (!await queue.ExistsAsync())
            {
                return false;
            }

            var message = (await queue.ReceiveMessageAsync()).Value;
            body = message?.Body.ToString();
            return body is not null;
        });
        return body!;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = TimeProvider.System.GetUtcNow() + Patience;
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "condition not met in time");
            await Task.Delay(100);
        }
    }
}
