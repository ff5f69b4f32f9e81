using Microsoft.AspNetCore.Http;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// The input of one invocation: what the trigger parameter receives, the binding data the host
/// would expose (route values, dequeue count, …) and the HTTP context for HTTP functions.
/// </summary>
public sealed record LocalInvocation(
    object? TriggerValue,
    IReadOnlyDictionary<string, object?> BindingData,
    HttpContext? HttpContext,
    CancellationToken CancellationToken);
