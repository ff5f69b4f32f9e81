namespace Bourse.Solana.Rpc.Models;

public sealed record DataSlice(int Offset, int Length);
