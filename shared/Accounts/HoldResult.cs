namespace Bourse.Accounts;

public sealed record HoldResult(HoldOutcome Outcome, long AvailableMicroUsdc);
