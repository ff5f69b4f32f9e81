using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// Reads the functions of each app from their attributes, as the Functions SDK does when it writes
/// <c>functions.metadata</c>. Anything the local host cannot run faithfully fails here, at start-up.
/// </summary>
public static class FunctionCatalog
{
    public static IReadOnlyList<FunctionDescriptor> Read(IEnumerable<FunctionApp> apps)
    {
        var functions = apps.SelectMany(Read).ToList();
        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Function name '{duplicate.Key}' is declared more than once.");
        }

        return functions;
    }

    public static IEnumerable<FunctionDescriptor> Read(FunctionApp app) =>
        from type in app.Assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        where function is not null
        orderby function.Name
        select new FunctionDescriptor(function.Name, app, method, ReadTrigger(function.Name, method));

    private static FunctionTrigger ReadTrigger(string name, MethodInfo method)
    {
        if (method.ReturnParameter.GetCustomAttributes().Any(IsOutputBinding) ||
            method.GetParameters().SelectMany(p => p.GetCustomAttributes()).Any(IsOutputBinding))
        {
            throw new NotSupportedException($"Function '{name}' declares an output binding; write to storage from shared code instead.");
        }

        var triggers = method.GetParameters()
            .Select(p => ReadTrigger(p, p.GetCustomAttributes()))
            .OfType<FunctionTrigger>()
            .ToList();
        return triggers.Count == 1
            ? triggers[0]
            : throw new NotSupportedException($"Function '{name}' must have exactly one HTTP, queue or timer trigger; it has {triggers.Count}.");
    }

    private static FunctionTrigger? ReadTrigger(ParameterInfo parameter, IEnumerable<Attribute> attributes)
    {
        foreach (var attribute in attributes)
        {
            switch (attribute)
            {
                case HttpTriggerAttribute http:
                    var route = string.IsNullOrEmpty(http.Route) ? FunctionName(parameter) : http.Route.Trim('/');
                    var methods = (http.Methods ?? []).Select(m => m.ToUpperInvariant()).ToArray();
                    return new HttpTrigger(parameter.Name!, route, methods, http.AuthLevel.ToString());
                case QueueTriggerAttribute queue:
                    var connection = string.IsNullOrEmpty(queue.Connection) ? "AzureWebJobsStorage" : queue.Connection;
                    return new QueueTrigger(parameter.Name!, queue.QueueName, connection);
                case TimerTriggerAttribute timer:
                    return new TimerTrigger(parameter.Name!, timer.Schedule, timer.RunOnStartup);
                case TriggerBindingAttribute other:
                    throw new NotSupportedException($"Trigger '{other.GetType().Name}' is not hosted locally.");
            }
        }

        return null;
    }

    private static string FunctionName(ParameterInfo parameter) =>
        parameter.Member.GetCustomAttribute<FunctionAttribute>()!.Name;

    private static bool IsOutputBinding(Attribute attribute) => attribute is OutputBindingAttribute;
}
