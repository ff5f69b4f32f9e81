using System.Text.Json;

namespace Bourse.Payments.X402;

/// <summary><c>GET /supported</c>: the (version, scheme, network) kinds and the fee payers per network pattern.</summary>
public sealed record SupportedResponse(IReadOnlyList<SupportedKind> Kinds, JsonElement? Extensions = null, IReadOnlyDictionary<string, IReadOnlyList<string>>? Signers = null);
