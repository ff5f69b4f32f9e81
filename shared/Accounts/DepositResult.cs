namespace Bourse.Accounts;

/// <param name="Balance">The balance after the deposit (or as it stands, when refused).</param>
public sealed record DepositResult(DepositOutcome Outcome, CreditBalance Balance);
