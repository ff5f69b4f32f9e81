using System.Text.Json;

namespace Bourse.Solana.Rpc;

/// <param name="Error">Solana's error value for a failed transaction, when there is one.</param>
public sealed record SendOutcome(SendStatus Status, string Signature, ulong? Slot = null, JsonElement? Error = null, IReadOnlyList<string>? Logs = null);
