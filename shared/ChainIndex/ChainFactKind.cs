namespace Bourse.ChainIndex;

/// <summary>What a <see cref="ChainFact"/> records.</summary>
public enum ChainFactKind
{
    /// <summary>USDC into the model's vault (a Token transfer whose destination is the vault). Amount: micro-USDC.</summary>
    Revenue,

    /// <summary>USDC out of the model's vault: what a buyback spent. Amount: micro-USDC.</summary>
    Buyback,

    /// <summary>
    /// USDC out of the model's vault to the treasury: the buyback crank's collection of the treasury's share (a vault
    /// the crank's key holds). Not a buyback: nothing is bought or burned. The indexer stores every vault outflow as
    /// <see cref="Buyback"/>; the market tells collections apart by the crank's own record (table <c>Buybacks</c>).
    /// </summary>
    Collection,

    /// <summary>Model tokens burned (Burn / BurnChecked on the model's mint). Amount: token units.</summary>
    Burn,

    /// <summary>Model tokens minted (MintTo / MintToChecked). Amount: token units.</summary>
    Mint,

    /// <summary>An event the program emitted (log "Program data:" or emit_cpi); <see cref="ChainFact.EventName"/> and <see cref="ChainFact.EventJson"/> say which and what.</summary>
    Event,
}
