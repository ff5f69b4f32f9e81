using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Tests.LocalHost;

/// <summary>A small Functions app the local host tests run: one function of every kind the host serves.</summary>
public sealed class SampleFunctions(SampleJournal journal)
{
    [Function("SampleEcho")]
    public static IResult Echo(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", Route = "sample/echo/{name}/{count:int}")] HttpRequest request,
        string name,
        int count) =>
        TypedResults.Ok(new { name, count, method = request.Method, query = request.Query["q"].ToString() });

    [Function("SampleStream")]
    public IResult Stream([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sample/stream")] HttpRequest request) =>
        new GatedEventStream(journal.StreamGate);

    [Function("SampleThrows")]
    public static IResult Throws([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "sample/throws")] HttpRequest request) =>
        throw new InvalidOperationException("secret detail that must not reach the client");

    [Function("SampleWork")]
    public void Work([QueueTrigger("%SampleQueue%")] QueueMessage message, long dequeueCount)
    {
        var body = message.Body.ToString();
        if (body == "boom")
        {
            journal.Attempts.Enqueue(dequeueCount);
            throw new InvalidOperationException("boom");
        }

        journal.Deliveries.Writer.TryWrite((body, message.DequeueCount));
    }

    [Function("SampleTick")]
    public void Tick([TimerTrigger("%SampleSchedule%")] TimerInfo timer) =>
        journal.TimerFirings.Writer.TryWrite(("SampleTick", timer.IsPastDue));

    [Function("SampleYearly")]
    public Task Yearly([TimerTrigger("0 0 0 1 1 *")] TimerInfo timer, CancellationToken cancellationToken) =>
        journal.TimerFirings.Writer.WriteAsync(("SampleYearly", timer.IsPastDue), cancellationToken).AsTask();

    /// <summary>Writes one event, then waits for the test to open the gate before each next one.</summary>
    private sealed class GatedEventStream(SemaphoreSlim gate) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "text/event-stream";
            for (var i = 1; i <= 3; i++)
            {
                await httpContext.Response.WriteAsync($"data: {i}\n\n");
                await httpContext.Response.Body.FlushAsync();
                if (i < 3 && !await gate.WaitAsync(TimeSpan.FromSeconds(10)))
                {
                    await httpContext.Response.WriteAsync("data: gate-timeout\n\n");
                    return;
                }
            }

            await httpContext.Response.WriteAsync("data: [DONE]\n\n");
        }
    }
}
