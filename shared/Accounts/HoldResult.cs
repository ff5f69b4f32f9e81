namespace Bourse.Accounts;

/// <param name="Answer">For <see cref="HoldOutcome.AlreadyPosted"/>: the answer the completed call gave, when it was kept.</param>
public sealed record HoldResult(HoldOutcome Outcome, long AvailableMicroUsdc, byte[]? Answer = null);
