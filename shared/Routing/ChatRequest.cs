using System.Text.Json.Nodes;

namespace Bourse.Routing;

/// <summary>
/// A chat-completions request as the client sent it (<see cref="Body"/> parsed, <see cref="Raw"/> the
/// bytes as received, forwarded upstream with only the model name spliced in) and the few fields
/// routing and billing read from it.
/// </summary>
public sealed record ChatRequest(
    JsonObject Body,
    string Model,
    bool Stream,
    bool ClientWantsUsage,
    int Choices,
    int? MaxOutputTokens,
    ReadOnlyMemory<byte> Raw = default)
{
    private string? _requestHash;

    /// <summary>The body's canonical hash (what an Idempotency-Key is bound to): worked out only when asked.</summary>
    public string RequestHash => _requestHash ??= ChatRequestParser.CanonicalHash(Body);
}
