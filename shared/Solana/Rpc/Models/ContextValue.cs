namespace Bourse.Solana.Rpc.Models;

/// <summary>The RPC's <c>{context, value}</c> wrapper.</summary>
public sealed record ContextValue<T>(RpcContext Context, T Value);
