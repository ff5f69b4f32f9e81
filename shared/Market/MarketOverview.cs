namespace Bourse.Market;

/// <summary><c>GET /api/market</c>: every listing, then preview cards for the catalog's models not tokenized yet.</summary>
public sealed record MarketOverview(DateTimeOffset AsOf, IReadOnlyList<MarketCard> Listings, IReadOnlyList<MarketPreview> Previews);
