using System.Text.Json.Nodes;

namespace Bourse.Routing;

/// <summary>
/// A chat-completions request as the client sent it (<see cref="Body"/>, passed upstream whole) and
/// the few fields routing and billing read from it.
/// </summary>
public sealed record ChatRequest(
    JsonObject Body,
    string Model,
    bool Stream,
    bool ClientWantsUsage,
    int Choices,
    int? MaxOutputTokens,
    string RequestHash);
