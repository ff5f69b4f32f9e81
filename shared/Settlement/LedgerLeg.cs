namespace Bourse.Settlement;

/// <summary>One double-entry movement: <see cref="Amount"/> micro-USDC from <see cref="Debit"/> to <see cref="Credit"/>.</summary>
public sealed record LedgerLeg(string Debit, string Credit, long Amount);
