namespace Bourse.Tests.Infrastructure;

/// <summary>Tests that pay the seeded models' vaults, or check that nothing did, run one at a time.</summary>
public static class PayeeBalances
{
    public const string Name = "Payee balances";
}
