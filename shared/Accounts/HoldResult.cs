namespace Bourse.Accounts;

/// <param name="Answer">For <see cref="HoldOutcome.AlreadyPosted"/>: the answer the completed call gave, when it was kept.</param>
/// <param name="ServedBy">With <paramref name="Answer"/>: the offer that served it.</param>
public sealed record HoldResult(HoldOutcome Outcome, long AvailableMicroUsdc, byte[]? Answer = null, string? ServedBy = null);
