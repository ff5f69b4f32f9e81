namespace Bourse.Payments.X402;

public enum X402AdmissionStatus
{
    /// <summary>Verified and claimed: do the work, then <see cref="X402Rail.SettleAsync"/> (or <see cref="X402Rail.ReleaseAsync"/> if it failed).</summary>
    Admitted,

    /// <summary>No payment: answer the challenge (402).</summary>
    PaymentRequired,

    /// <summary>A payment that cannot be accepted: 402 with the reason, nothing charged.</summary>
    Rejected,

    /// <summary>The facilitator could not be asked (no fee payer, or /verify failed): 502/503, nothing charged.</summary>
    FacilitatorUnavailable,
}
