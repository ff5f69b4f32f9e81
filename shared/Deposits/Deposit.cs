namespace Bourse.Deposits;

/// <summary>A Solana Pay transfer request for prepaid credits, and the payments credited to it. Micro-USDC.</summary>
public sealed record Deposit(
    string Id,
    string AccountId,
    long AmountMicroUsdc,
    string Recipient,
    string SplToken,
    string Reference,
    string Url,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<DepositPayment> Payments)
{
    public long CreditedMicroUsdc => Payments.Sum(p => p.AmountMicroUsdc);

    public DepositStatus StatusAt(DateTimeOffset now) => CreditedMicroUsdc switch
    {
        0 => now > ExpiresAt ? DepositStatus.Expired : DepositStatus.Pending,
        var credited when credited < AmountMicroUsdc => DepositStatus.Partial,
        _ => DepositStatus.Credited,
    };
}
