namespace Bourse.Accounts;

/// <summary>An account's credits in micro-USDC: deposited, reserved by pending holds, and charged.</summary>
public sealed record CreditBalance(long Deposited, long Pending, long Posted)
{
    public long Available => Deposited - Pending - Posted;
}
