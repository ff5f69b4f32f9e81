namespace Bourse.Payments.X402;

/// <summary>
/// A payment's life: <c>verifying</c> (claimed, not sent) → <c>settling</c> (sent to /settle) →
/// <c>settled</c> | <c>failed</c> | <c>settlement_pending</c> (outcome unknown; reconciled by signature status).
/// </summary>
public enum PaymentState
{
    Verifying,
    Settling,
    Settled,
    Failed,
    SettlementPending,
}
