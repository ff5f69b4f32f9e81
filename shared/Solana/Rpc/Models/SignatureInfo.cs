using System.Text.Json;

namespace Bourse.Solana.Rpc.Models;

/// <summary>One entry of <c>getSignaturesForAddress</c>, newest first.</summary>
public sealed record SignatureInfo(string Signature, ulong Slot, JsonElement? Err, string? Memo, long? BlockTime, string? ConfirmationStatus);
