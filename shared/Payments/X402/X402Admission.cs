namespace Bourse.Payments.X402;

/// <summary>What <see cref="X402Rail.AdmitAsync"/> decided. <see cref="Challenge"/> is set whenever the answer is a 402.</summary>
public sealed record X402Admission(
    X402AdmissionStatus Status,
    X402Payment? Payment = null,
    PaymentChallenge? Challenge = null,
    X402Rejection? Rejection = null,
    string? Reason = null)
{
    public bool IsAdmitted => Status == X402AdmissionStatus.Admitted;
}
