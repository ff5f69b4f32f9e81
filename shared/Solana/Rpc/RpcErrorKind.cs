namespace Bourse.Solana.Rpc;

/// <summary>The RPC failures callers act on differently.</summary>
public enum RpcErrorKind
{
    /// <summary>The transaction failed simulation before it was sent (-32002); <see cref="RpcError.Logs"/> says why.</summary>
    PreflightFailed,

    /// <summary>The blockhash expired or is unknown to the node: rebuild with a new one.</summary>
    BlockhashNotFound,

    /// <summary>The node has this transaction already: it was sent before.</summary>
    AlreadyProcessed,

    /// <summary>A signature does not verify (-32003).</summary>
    SignatureVerificationFailed,

    /// <summary>Every endpoint kept answering 429.</summary>
    RateLimited,

    /// <summary>No endpoint answered (connection failure, timeout, 5xx, node behind): the outcome of a send is unknown.</summary>
    Unavailable,

    /// <summary>The request was wrong (-32600, -32601, -32602) or the version is unsupported (-32015).</summary>
    InvalidRequest,

    /// <summary>Any other JSON-RPC error.</summary>
    Other,
}
