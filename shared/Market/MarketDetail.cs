namespace Bourse.Market;

/// <summary>
/// <c>GET /api/market/{modelId}</c>: the model's card (null for a catalog model not listed), its last 30 UTC days
/// (oldest first, every day present), its buybacks and burns (newest first), its supply at the end of each day, and
/// the crank's collections of the treasury's share out of the vault (newest first; USDC that left the vault but
/// bought nothing, so not a buyback).
/// </summary>
public sealed record MarketDetail(
    DateTimeOffset AsOf,
    string ModelId,
    bool Tokenized,
    MarketCard? Listing,
    MarketPreview? Preview,
    IReadOnlyList<MarketDay> Days,
    IReadOnlyList<MarketChainEvent> Buybacks,
    IReadOnlyList<MarketChainEvent> Burns,
    IReadOnlyList<MarketSupplyPoint> Supply,
    IReadOnlyList<MarketChainEvent> Collections);
