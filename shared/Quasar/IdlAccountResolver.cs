namespace Bourse.Quasar;

/// <summary>
/// How an instruction's account is found: <c>input</c> (the caller gives it), <c>const</c> (a fixed address) or
/// <c>pda</c> (derived from seeds: constant bytes, another account of the instruction, or an argument).
/// </summary>
public sealed record IdlAccountResolver(string Kind, string? Address, IReadOnlyList<IdlSeed> Seeds);
