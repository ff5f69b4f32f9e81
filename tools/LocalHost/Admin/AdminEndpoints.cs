using System.Text.Json.Nodes;
using Bourse.LocalHost.Hosting;
using Bourse.LocalHost.Queues;
using Bourse.LocalHost.Timers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Bourse.LocalHost.Admin;

/// <summary>
/// The host's admin API, shaped like the Functions host's: <c>GET /admin/host/status</c>,
/// <c>GET /admin/functions</c>, and <c>POST /admin/functions/{name}</c> with <c>{"input": "…"}</c>
/// to run a timer or queue function now. Unlike Azure, the call returns once the function ran.
/// <c>GET /admin/metrics</c> (local only) gives the totals of the apps' counters (<see cref="MeterTotals"/>).
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder endpoints, IReadOnlyList<FunctionDescriptor> functions)
    {
        var admin = endpoints.MapGroup("/admin");
        admin.MapGet("/host/status", () => Results.Json(new JsonObject { ["state"] = "Running", ["functions"] = functions.Count }));
        admin.MapGet("/functions", (HostSettings settings) => Results.Json(new JsonArray([.. functions.Select(f => Describe(f, settings))])));
        admin.MapPost("/functions/{name}", RunNowAsync);
        admin.MapGet("/metrics", (MeterTotals totals) => Results.Json(totals.Snapshot()));
        return endpoints;
    }

    private static async Task<IResult> RunNowAsync(string name, HttpRequest request, IEnumerable<IHostedService> services, CancellationToken cancellationToken)
    {
        var input = request.ContentLength is > 0
            ? (string?)(await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken))?["input"]
            : null;
        Func<Task>? run = services.FirstOrDefault(s => Named(s, name)) switch
        {
            TimerFunctionScheduler timer => () => timer.RunNowAsync(cancellationToken),
            QueueFunctionListener queue => () => queue.RunNowAsync(input ?? string.Empty, cancellationToken),
            _ => null,
        };
        if (run is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No timer or queue function named '{name}'.");
        }

        try
        {
            await run();
            return Results.Accepted();
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: $"'{name}' failed; the local host's log has the error.");
        }
    }

    private static bool Named(IHostedService service, string name) => service switch
    {
        TimerFunctionScheduler t => string.Equals(t.FunctionName, name, StringComparison.OrdinalIgnoreCase),
        QueueFunctionListener q => string.Equals(q.FunctionName, name, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static JsonObject Describe(FunctionDescriptor function, HostSettings settings) => function.Trigger switch
    {
        HttpTrigger http => new JsonObject
        {
            ["name"] = function.Name, ["app"] = function.App.Name, ["trigger"] = "http",
            ["route"] = settings.PathOf(http.Route), ["methods"] = new JsonArray([.. http.Methods.Select(m => JsonValue.Create(m))]),
        },
        QueueTrigger queue => new JsonObject
        {
            ["name"] = function.Name, ["app"] = function.App.Name, ["trigger"] = "queue", ["queue"] = queue.QueueName,
        },
        TimerTrigger timer => new JsonObject
        {
            ["name"] = function.Name, ["app"] = function.App.Name, ["trigger"] = "timer", ["schedule"] = timer.Schedule,
        },
        _ => throw new InvalidOperationException(),
    };
}
