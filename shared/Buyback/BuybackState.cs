namespace Bourse.Buyback;

/// <summary>
/// Where a buyback job stands. Every on-chain step is recorded (signature, bytes, last valid block
/// height) before it is sent, so a resumed job asks the chain about it instead of acting again.
/// </summary>
public enum BuybackState
{
    /// <summary>Planned with its amount reserved; the treasury's share may be on its way (collection recorded, not confirmed).</summary>
    Planned,

    /// <summary>The treasury's share of the vault is collected (or there was none).</summary>
    Collected,

    /// <summary>A quote within the slippage cap is recorded, with its minimum out.</summary>
    Quoted,

    /// <summary>The swap is signed, recorded and sent.</summary>
    SwapSent,

    /// <summary>The swap landed; the amount bought is recorded.</summary>
    SwapConfirmed,

    /// <summary>The burn of what was bought is signed, recorded and sent.</summary>
    BurnSent,

    /// <summary>Bought and burned.</summary>
    Done,

    /// <summary>Stopped with a reason; what it reserved and did not spend is released.</summary>
    Failed,
}
