namespace Bourse.Payments.X402;

/// <summary>Why a paid retry was refused. Nothing is charged for any of these; the client gets a 402 with the reason.</summary>
public enum X402Rejection
{
    MalformedPayment,
    SchemeMismatch,
    NetworkMismatch,
    AmountMismatch,
    AssetMismatch,
    PayToMismatch,
    FeePayerMismatch,
    TimeoutMismatch,
    InvalidTransaction,
    FacilitatorRejected,
    PaymentInProgress,
    PaymentAlreadyUsed,
}
