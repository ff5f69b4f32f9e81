namespace Bourse.Market;

/// <summary>A buyback (micro-USDC out of the vault) or a burn (token units) on chain, by its transaction signature and instruction index.</summary>
public sealed record MarketChainEvent(string Signature, string Index, long Slot, DateTimeOffset? At, long Amount);
