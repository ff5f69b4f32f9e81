using System.Globalization;
using System.Text.Json;
using Bourse.Quasar;

namespace Bourse.ChainIndex;

/// <summary>
/// One program account as the indexer stored it (in a <see cref="ProgramAccountShards"/> row).
/// </summary>
/// <param name="Type">The IDL account type, e.g. <c>ModelListing</c>.</param>
/// <param name="Slot">The slot the account was read at.</param>
/// <param name="DataSize">The account's data length in bytes.</param>
/// <param name="Fields">The decoded fields as a JSON object (integers as numbers, keys base58, bytes base64, enums by variant name).</param>
public sealed record StoredProgramAccount(string Type, string Address, long Slot, int DataSize, JsonElement Fields)
{
    /// <summary>The fields as a record (strings, integers as <c>long</c>/<c>ulong</c>, booleans, nested JSON as its text), e.g. for <see cref="ChainListing.From"/>.</summary>
    public QuasarRecord ToRecord() => new(Type, [.. Fields.EnumerateObject().Select(p => new KeyValuePair<string, object?>(p.Name, Value(p.Value)))]);

    private static object? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when value.TryGetInt64(out var l) => l,
        JsonValueKind.Number when value.TryGetUInt64(out var u) => u,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Type} {Address} @{Slot}: {Fields.GetRawText()}");
}
