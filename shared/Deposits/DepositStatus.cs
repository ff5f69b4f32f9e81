namespace Bourse.Deposits;

/// <summary>
/// Where a deposit stands: nothing arrived yet (<see cref="Pending"/>, or <see cref="Expired"/> past its
/// expiry), less than asked (<see cref="Partial"/>) or at least what was asked (<see cref="Credited"/>).
/// </summary>
public enum DepositStatus
{
    Pending,
    Credited,
    Partial,
    Expired,
}
