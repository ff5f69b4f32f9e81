namespace Bourse.LocalHost.Hosting;

/// <param name="QueueName">As declared; may hold <c>%Setting%</c> names.</param>
/// <param name="Connection">The configuration key of the storage connection.</param>
public sealed record QueueTrigger(string ParameterName, string QueueName, string Connection) : FunctionTrigger(ParameterName);
