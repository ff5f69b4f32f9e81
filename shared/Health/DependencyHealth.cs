namespace Bourse.Health;

/// <summary>One dependency's state; <paramref name="Error"/> is a short reason, never a connection string.</summary>
public sealed record DependencyHealth(string Name, string Status, long ElapsedMs, string? Error = null);
