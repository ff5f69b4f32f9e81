namespace Bourse.Payments.X402;

/// <summary>What <see cref="X402Rail.SettleAsync"/> did; <see cref="Response"/> goes in the version's response header.</summary>
public sealed record X402Settlement(X402SettlementStatus Status, SettleResponse Response, int Version)
{
    public bool IsSettled => Status == X402SettlementStatus.Settled;

    /// <summary><c>PAYMENT-RESPONSE</c> for v2, <c>X-PAYMENT-RESPONSE</c> for v1.</summary>
    public string HeaderName => Version == 1 ? X402Headers.XPaymentResponse : X402Headers.PaymentResponse;
}
