namespace Bourse.Buyback;

/// <summary>
/// A vault's running buyback totals (micro-USDC): <see cref="Bought"/> is the creator-fee USDC jobs have
/// reserved or spent, <see cref="Collected"/> the treasury's share jobs have moved (or are moving) out.
/// </summary>
public sealed record BuybackTotals(string Model, long Bought, long Collected, string? Version);
