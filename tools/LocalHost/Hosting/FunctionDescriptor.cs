using System.Reflection;

namespace Bourse.LocalHost.Hosting;

/// <summary>A <c>[Function]</c> method as read from its attributes.</summary>
public sealed record FunctionDescriptor(string Name, FunctionApp App, MethodInfo Method, FunctionTrigger Trigger)
{
    public string EntryPoint => $"{Method.DeclaringType!.FullName}.{Method.Name}";
}
