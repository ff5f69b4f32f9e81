namespace Bourse.Accounts;

/// <summary>
/// An account's credits in micro-USDC: deposited, reserved by exact per-call holds (<see cref="Pending"/>),
/// reserved by router instances' leases (<see cref="Leased"/>, which they admit calls against in memory),
/// and charged.
/// </summary>
public sealed record CreditBalance(long Deposited, long Pending, long Posted, long Leased = 0)
{
    public long Available => Deposited - Pending - Posted - Leased;
}
