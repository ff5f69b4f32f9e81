using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bourse.Payments.X402;

/// <summary>
/// The exact SVM scheme's <c>extra</c>: the facilitator's fee payer (required) and hints. Unknown keys a
/// client echoes back are kept in <see cref="Other"/>, so a payload round-trips unchanged.
/// </summary>
public sealed record SvmExtra
{
    public required string FeePayer { get; init; }

    public string? Memo { get; init; }

    public string? RecentBlockhash { get; init; }

    public string? LastValidBlockHeight { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}
