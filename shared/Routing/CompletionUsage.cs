using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>What a routed call consumed and costs. <see cref="Estimated"/> when the provider reported no usage.</summary>
/// <param name="Answer">The JSON body the client got, for a non-streamed completion (kept to replay an idempotent retry).</param>
public sealed record CompletionUsage(
    ProviderOffer Offer, int PromptTokens, int CompletionTokens, bool Estimated, long CostMicroUsdc, CompletionEnd End, byte[]? Answer = null);
