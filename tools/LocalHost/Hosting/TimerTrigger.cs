namespace Bourse.LocalHost.Hosting;

/// <param name="Schedule">As declared: an NCRONTAB expression, a TimeSpan, or a <c>%Setting%</c> name.</param>
public sealed record TimerTrigger(string ParameterName, string Schedule, bool RunOnStartup) : FunctionTrigger(ParameterName);
