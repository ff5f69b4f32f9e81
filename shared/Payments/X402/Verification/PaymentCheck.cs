namespace Bourse.Payments.X402;

/// <summary>The result of matching a payment against its requirement: a payment, or a rejection with a reason.</summary>
public sealed record PaymentCheck(CheckedPayment? Payment, X402Rejection? Rejection = null, string? Reason = null)
{
    public static PaymentCheck Reject(X402Rejection rejection, string? reason = null) => new(null, rejection, reason ?? X402Reasons.For(rejection));
}
