namespace Bourse.Accounts;

public enum DepositOutcome
{
    Applied,

    /// <summary>This deposit id was applied before with the same amount: nothing changed.</summary>
    Repeated,

    /// <summary>This deposit id was applied before with another amount: refused.</summary>
    Conflict,

    /// <summary>The balance would pass what a 64-bit amount holds: refused.</summary>
    Overflow,
}
