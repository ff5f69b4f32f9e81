namespace Bourse.Solana.Rpc.Models;

public sealed record LatestBlockhash(string Blockhash, ulong LastValidBlockHeight);
