namespace Bourse.Market;

/// <summary>Inference through Bourse over a period, from the settlement ledger: calls, tokens, and micro-USDC charged (gross) and owed to the model's vault (creator fees).</summary>
public sealed record MarketVolume(long Calls, long PromptTokens, long CompletionTokens, long Revenue, long CreatorFees)
{
    public static readonly MarketVolume Zero = new(0, 0, 0, 0, 0);

    public long Tokens => PromptTokens + CompletionTokens;

    public MarketVolume Add(MarketVolume other) => new(
        Calls + other.Calls, PromptTokens + other.PromptTokens, CompletionTokens + other.CompletionTokens, Revenue + other.Revenue, CreatorFees + other.CreatorFees);
}
