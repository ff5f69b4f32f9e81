using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>The offers that may serve a request, cheapest first, and the most the call can cost on any of them.</summary>
public sealed record ChatPlan(IReadOnlyList<ProviderOffer> Candidates, long MaxCostMicroUsdc);
