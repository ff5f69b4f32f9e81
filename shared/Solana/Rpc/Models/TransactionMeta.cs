using System.Text.Json;

namespace Bourse.Solana.Rpc.Models;

public sealed record TransactionMeta(
    JsonElement? Err,
    ulong Fee,
    IReadOnlyList<ulong> PreBalances,
    IReadOnlyList<ulong> PostBalances,
    IReadOnlyList<TokenBalance>? PreTokenBalances,
    IReadOnlyList<TokenBalance>? PostTokenBalances,
    IReadOnlyList<string>? LogMessages,
    JsonElement? InnerInstructions = null,
    JsonElement? LoadedAddresses = null);
