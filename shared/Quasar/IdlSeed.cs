namespace Bourse.Quasar;

/// <summary>A PDA seed: <c>const</c> (<see cref="Value"/>), <c>account</c> or <c>arg</c> (<see cref="Path"/> names it).</summary>
public sealed record IdlSeed(string Kind, byte[]? Value, string? Path);
