namespace Bourse.ChainIndex;

public enum WatchKind
{
    /// <summary>The program: its events.</summary>
    Program,

    /// <summary>A listing's USDC vault: revenue in, buybacks out.</summary>
    Vault,

    /// <summary>A listing's token mint: burns and mints.</summary>
    Mint,
}
