namespace Bourse.Usage;

/// <summary>
/// One completed call, from either rail, for settlement (the <c>settlement</c> queue). Settlement
/// posts it once by <see cref="EventId"/>, split by <see cref="Terms"/> (what the call was charged under when it
/// happened; null, as in events written before terms existed, reads as <see cref="ChargeTerms.Unlisted"/>).
/// Amounts are micro-USDC.
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
    long? AmountPaidMicroUsdc = null,
    ChargeTerms? Terms = null)
{
    public const string CreditsRail = "credits";
    public const string X402Rail = "x402";
}
