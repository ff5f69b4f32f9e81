namespace Bourse.Settlement;

/// <summary>The market's per-model, per-UTC-day figures, summed from the day's postings. Micro-USDC.</summary>
public sealed record ModelDayAggregate(
    string Model, DateOnly Day, long Requests, long PromptTokens, long CompletionTokens, long Gross, long ProviderPayout, long CreatorFee, long ProtocolFee);
