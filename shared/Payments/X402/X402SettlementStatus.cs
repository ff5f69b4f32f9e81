namespace Bourse.Payments.X402;

public enum X402SettlementStatus
{
    /// <summary>Paid: add the response header, serve.</summary>
    Settled,

    /// <summary>The facilitator refused or the transaction failed: 402 with the settle response, do not serve.</summary>
    Failed,

    /// <summary>Sent but not confirmed (or the settle call's outcome is unknown): reconciled later by signature; do not serve.</summary>
    Pending,

    /// <summary>The settle call provably did not execute (429, 401): 503, nothing charged, the payment can be retried.</summary>
    Unavailable,
}
