namespace Bourse.Solana.Rpc.Models;

public sealed record RpcContext(ulong Slot);
