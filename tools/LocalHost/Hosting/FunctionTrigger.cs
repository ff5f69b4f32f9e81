namespace Bourse.LocalHost.Hosting;

/// <summary>What makes a function run. One of <see cref="HttpTrigger"/>, <see cref="QueueTrigger"/>, <see cref="TimerTrigger"/>.</summary>
public abstract record FunctionTrigger(string ParameterName);
