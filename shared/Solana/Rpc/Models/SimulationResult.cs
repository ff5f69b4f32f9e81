using System.Text.Json;

namespace Bourse.Solana.Rpc.Models;

public sealed record SimulationResult(JsonElement? Err, IReadOnlyList<string>? Logs, ulong? UnitsConsumed)
{
    public bool Failed => Err is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined };
}
