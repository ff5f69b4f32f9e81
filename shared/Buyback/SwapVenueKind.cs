namespace Bourse.Buyback;

public enum SwapVenueKind
{
    /// <summary>Jupiter on mainnet, the local pool when a market maker is configured, Raydium otherwise.</summary>
    Auto,
    Jupiter,
    Raydium,
    Local,
}
