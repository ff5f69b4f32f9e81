using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// Runs one invocation the way the isolated worker does: a DI scope from the function's app, an
/// instance of the function class, parameters bound from the trigger and binding data, the
/// result written to the HTTP response for HTTP functions.
/// </summary>
public sealed class FunctionInvoker(FunctionAppServices apps, HostSettings settings)
{
    /// <summary>The <c>FunctionContext.Items</c> key under which <c>GetHttpContext()</c> finds the request.</summary>
    private const string HttpContextKey = "HttpRequestContext";

    private static readonly JsonSerializerOptions PayloadJson = new() { PropertyNameCaseInsensitive = true };

    /// <summary>What reflection finds out about a function, found once: its definition, parameters and a factory for its class.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<FunctionDescriptor, Plan> _plans = new();

    public async Task InvokeAsync(FunctionDescriptor function, LocalInvocation invocation)
    {
        var plan = _plans.GetOrAdd(function, f => new Plan(
            new LocalFunctionContext.LocalFunctionDefinition(f),
            f.Method.GetParameters(),
            f.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(f.Method.DeclaringType!, Type.EmptyTypes)));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(invocation.CancellationToken);
        timeout.CancelAfter(settings.FunctionTimeout);
        await using var scope = apps.For(function.App).CreateAsyncScope();
        var context = new LocalFunctionContext(plan.Definition, scope.ServiceProvider, invocation.BindingData, timeout.Token);
        if (invocation.HttpContext is { } http)
        {
            http.RequestServices = scope.ServiceProvider;
            context.Items[HttpContextKey] = http;
        }

        var target = plan.Factory?.Invoke(scope.ServiceProvider, null);
        try
        {
            var arguments = new object?[plan.Parameters.Length];
            for (var i = 0; i < arguments.Length; i++)
            {
                arguments[i] = Bind(plan.Parameters[i], function.Trigger, invocation, context);
            }

            var returned = function.Method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);
            var result = await AwaitResultAsync(returned);
            if (invocation.HttpContext is { } httpContext)
            {
                await WriteHttpResultAsync(result, httpContext);
            }
        }
        finally
        {
            switch (target)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static object? Bind(ParameterInfo parameter, FunctionTrigger trigger, LocalInvocation invocation, FunctionContext context)
    {
        if (parameter.Name == trigger.ParameterName)
        {
            return BindTrigger(parameter.ParameterType, invocation.TriggerValue);
        }

        if (parameter.ParameterType == typeof(FunctionContext))
        {
            return context;
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return context.CancellationToken;
        }

        var data = invocation.BindingData.FirstOrDefault(d => string.Equals(d.Key, parameter.Name, StringComparison.OrdinalIgnoreCase));
        if (data.Key is not null)
        {
            return ConvertBindingData(data.Value, parameter.ParameterType);
        }

        return parameter.HasDefaultValue
            ? parameter.DefaultValue
            : throw new InvalidOperationException($"Cannot bind parameter '{parameter.Name}' of {context.FunctionDefinition.Name}.");
    }

    private static object? BindTrigger(Type type, object? value) => value switch
    {
        QueueMessage message when type == typeof(QueueMessage) => message,
        QueueMessage message when type == typeof(string) => message.Body.ToString(),
        QueueMessage message when type == typeof(BinaryData) => message.Body,
        QueueMessage message when type == typeof(byte[]) => message.Body.ToArray(),
        QueueMessage message when type == typeof(ReadOnlyMemory<byte>) => message.Body.ToMemory(),
        QueueMessage message => JsonSerializer.Deserialize(message.Body.ToStream(), type, PayloadJson),
        _ => value,
    };

    private static object? ConvertBindingData(object? value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return value switch
        {
            null => null,
            _ when target.IsInstanceOfType(value) => value,
            string text when target == typeof(Guid) => Guid.Parse(text),
            _ => Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static async Task<object?> AwaitResultAsync(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                var type = task.GetType();
                return type.IsGenericType && type.GetGenericArguments()[0].Name != "VoidTaskResult"
                    ? type.GetProperty(nameof(Task<int>.Result))!.GetValue(task)
                    : null;
            case ValueTask valueTask:
                await valueTask;
                return null;
            case not null when returned.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>):
                return await AwaitResultAsync(t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null));
            default:
                return returned;
        }
    }

    private static Task WriteHttpResultAsync(object? result, HttpContext context) => result switch
    {
        null => Task.CompletedTask,
        IResult r => r.ExecuteAsync(context),
        IActionResult a => a.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())),
        _ => Results.Json(result).ExecuteAsync(context),
    };

    private sealed record Plan(FunctionDefinition Definition, ParameterInfo[] Parameters, ObjectFactory? Factory);
}
