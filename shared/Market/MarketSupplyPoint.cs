namespace Bourse.Market;

/// <summary>The model token's supply at the end of a UTC day (token units), worked back from today's supply and the mints and burns since.</summary>
public sealed record MarketSupplyPoint(DateOnly Day, long Supply);
