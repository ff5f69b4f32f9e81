using System.Text.Json;

namespace Bourse.Solana.Rpc.Models;

public sealed record SignatureStatus(ulong Slot, ulong? Confirmations, JsonElement? Err, string? ConfirmationStatus)
{
    public bool Failed => Err is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined };

    public bool IsAtLeast(string commitment) => commitment switch
    {
        "processed" => ConfirmationStatus is "processed" or "confirmed" or "finalized",
        "confirmed" => ConfirmationStatus is "confirmed" or "finalized",
        _ => ConfirmationStatus is "finalized",
    };
}
