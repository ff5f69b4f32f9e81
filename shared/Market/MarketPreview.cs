namespace Bourse.Market;

/// <summary>A catalog model with no listing yet: what it is, what it costs (micro-USDC per 1M tokens, cheapest offer), and its inference volume so far.</summary>
public sealed record MarketPreview(string ModelId, string OwnedBy, int ContextLength, long? InputPrice, long? OutputPrice, MarketVolume Volume24h, MarketVolume Volume30d);
