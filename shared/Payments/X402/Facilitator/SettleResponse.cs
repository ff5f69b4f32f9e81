namespace Bourse.Payments.X402;

/// <summary>
/// The facilitator's settle answer, and what the seller returns in <c>PAYMENT-RESPONSE</c> /
/// <c>X-PAYMENT-RESPONSE</c>. <see cref="Transaction"/> is the base58 signature, <c>""</c> on failure.
/// </summary>
public sealed record SettleResponse(
    bool Success,
    string Transaction,
    string Network,
    string? Payer = null,
    string? ErrorReason = null,
    string? ErrorMessage = null,
    string? Amount = null);
