namespace Bourse.Usage;

/// <summary>
/// One completed call, from either rail, for settlement (the <c>settlement</c> queue). Settlement
/// posts it once by <see cref="EventId"/>. Amounts are micro-USDC.
/// </summary>
public sealed record UsageEvent(
    string EventId,
    string Rail,
    string Model,
    string Offer,
    int PromptTokens,
    int CompletionTokens,
    bool UsageEstimated,
    long CostMicroUsdc,
    string RequestId,
    DateTimeOffset OccurredAt,
    string? AccountId = null,
    string? KeyId = null,
    string? HoldId = null,
    string? Payer = null,
    string? PaymentSignature = null,
    long? AmountPaidMicroUsdc = null)
{
    public const string CreditsRail = "credits";
    public const string X402Rail = "x402";
}
