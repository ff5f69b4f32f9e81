using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>What a routed call consumed and costs. <see cref="Estimated"/> when the provider reported no usage.</summary>
public sealed record CompletionUsage(ProviderOffer Offer, int PromptTokens, int CompletionTokens, bool Estimated, long CostMicroUsdc, CompletionEnd End);
