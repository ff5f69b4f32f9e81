using Bourse.LocalHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bourse.LocalHost.Http;

/// <summary>Serves each HTTP function at its route under the host's route prefix.</summary>
public static partial class HttpFunctionEndpoints
{
    public static IEndpointRouteBuilder MapHttpFunctions(this IEndpointRouteBuilder endpoints, IEnumerable<FunctionDescriptor> functions)
    {
        var settings = endpoints.ServiceProvider.GetRequiredService<HostSettings>();
        foreach (var function in functions)
        {
            if (function.Trigger is not HttpTrigger trigger)
            {
                continue;
            }

            var pattern = settings.PathOf(trigger.Route);
            RequestDelegate handler = context => HandleAsync(function, context, settings.RoutePrefix);
            var endpoint = trigger.Methods.Count == 0
                ? endpoints.Map(pattern, handler)
                : endpoints.MapMethods(pattern, trigger.Methods, handler);
            endpoint.WithDisplayName(function.Name);
        }

        return endpoints;
    }

    private static async Task HandleAsync(FunctionDescriptor function, HttpContext context, string routePrefix)
    {
        var invoker = context.RequestServices.GetRequiredService<FunctionInvoker>();
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpFunctionEndpoints));
        var bindingData = context.Request.RouteValues.ToDictionary(r => r.Key, r => r.Value, StringComparer.OrdinalIgnoreCase);
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await invoker.InvokeAsync(function, new LocalInvocation(context.Request, bindingData, context, context.RequestAborted));
            Log.Executed(logger, function.Name, context.Response.StatusCode, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // The body could not be read (broken chunking, too large, cut short): the client's fault, in the route's format.
            Log.BadRequest(logger, function.Name, e.StatusCode, e.Message);
            context.Response.Clear();
            await HostErrorResponses.WriteAsync(context, e.StatusCode, routePrefix);
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientGone(logger, function.Name, e.GetType().Name);
        }
        catch (Exception e)
        {
            Log.Failed(logger, function.Name, e);
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            else
            {
                context.Abort();
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "Executed '{Function}' ({Status}) in {ElapsedMs:0} ms")]
        public static partial void Executed(ILogger logger, string function, int status, double elapsedMs);

        [LoggerMessage(101, LogLevel.Error, "Executed '{Function}' (Failed)")]
        public static partial void Failed(ILogger logger, string function, Exception exception);

        [LoggerMessage(103, LogLevel.Information, "'{Function}': bad request {Status} ({Reason})")]
        public static partial void BadRequest(ILogger logger, string function, int status, string reason);

        [LoggerMessage(102, LogLevel.Information, "'{Function}': the client went away ({Reason})")]
        public static partial void ClientGone(ILogger logger, string function, string reason);
    }
}
