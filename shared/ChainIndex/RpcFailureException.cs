namespace Bourse.ChainIndex;

/// <summary>An RPC call a source depends on failed after the client's retries: the source stops for this cycle and resumes next time.</summary>
public sealed class RpcFailureException(string message) : Exception(message);
