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
    string RequestHash,
    ReadOnlyMemory<byte> Raw = default);
