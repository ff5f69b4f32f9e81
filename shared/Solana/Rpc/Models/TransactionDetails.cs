using System.Text.Json;

namespace Bourse.Solana.Rpc.Models;

/// <summary>
/// A landed transaction. <see cref="Transaction"/> is the node's JSON for the requested encoding
/// (an object for json, <c>["&lt;base64&gt;", "base64"]</c> for base64).
/// </summary>
public sealed record TransactionDetails(ulong Slot, long? BlockTime, JsonElement? Version, JsonElement Transaction, TransactionMeta? Meta)
{
    /// <summary>The wire bytes, when fetched with base64 encoding.</summary>
    public byte[]? RawTransaction => Transaction.ValueKind == JsonValueKind.Array
        ? Convert.FromBase64String(Transaction[0].GetString()!)
        : null;
}
