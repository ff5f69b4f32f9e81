namespace Bourse.Market;

/// <summary>One UTC day of a model's inference (zero when nothing was called).</summary>
public sealed record MarketDay(DateOnly Day, long Calls, long PromptTokens, long CompletionTokens, long Revenue, long CreatorFees);
