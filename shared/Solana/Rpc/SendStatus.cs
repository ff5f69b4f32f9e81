namespace Bourse.Solana.Rpc;

public enum SendStatus
{
    /// <summary>Landed without error at the configured commitment.</summary>
    Confirmed,

    /// <summary>Landed (or failed preflight) with an error: the fee may be spent, the instructions did nothing.</summary>
    Failed,

    /// <summary>The node refused it outright (bad signature, malformed): it can never land as is.</summary>
    Rejected,

    /// <summary>Its blockhash expired (block height passed lastValidBlockHeight) and it never landed: safe to rebuild.</summary>
    Expired,

    /// <summary>Not seen yet and not expired yet: check again later (only from <see cref="TransactionSender.CheckAsync"/>).</summary>
    Pending,
}
