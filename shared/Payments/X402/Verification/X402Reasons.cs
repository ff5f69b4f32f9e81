namespace Bourse.Payments.X402;

/// <summary>The <c>error</c> strings clients see: one place, stable snake_case.</summary>
public static class X402Reasons
{
    public static string For(X402Rejection rejection) => rejection switch
    {
        X402Rejection.MalformedPayment => "invalid_payment_header",
        X402Rejection.SchemeMismatch => "scheme_mismatch",
        X402Rejection.NetworkMismatch => "network_mismatch",
        X402Rejection.AmountMismatch => "amount_mismatch",
        X402Rejection.AssetMismatch => "asset_mismatch",
        X402Rejection.PayToMismatch => "recipient_mismatch",
        X402Rejection.FeePayerMismatch => "fee_payer_mismatch",
        X402Rejection.TimeoutMismatch => "max_timeout_mismatch",
        X402Rejection.InvalidTransaction => "invalid_transaction",
        X402Rejection.FacilitatorRejected => "verification_failed",
        X402Rejection.PaymentInProgress => "payment_in_progress",
        X402Rejection.PaymentAlreadyUsed => "payment_already_used",
        _ => throw new ArgumentOutOfRangeException(nameof(rejection), rejection, null),
    };
}
