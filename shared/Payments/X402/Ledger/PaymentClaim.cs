namespace Bourse.Payments.X402;

/// <summary>The outcome of claiming a payment id: ours (<see cref="Record"/>), or already held (<see cref="Existing"/>).</summary>
public sealed record PaymentClaim(PaymentRecord? Record, PaymentRecord? Existing)
{
    public bool IsClaimed => Record is not null;
}
