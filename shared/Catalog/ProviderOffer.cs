using System.ComponentModel.DataAnnotations;

namespace Bourse.Catalog;

/// <summary>One provider serving a model, at its prices in micro-USDC per million tokens.</summary>
public sealed class ProviderOffer
{
    /// <summary>A provider named under <c>Providers</c> (its base URL and key).</summary>
    [Required]
    public string Provider { get; init; } = "";

    /// <summary>The model's name at that provider.</summary>
    [Required]
    public string UpstreamModel { get; init; } = "";

    [Range(0, long.MaxValue)]
    public long InputPricePerMillion { get; init; }

    [Range(0, long.MaxValue)]
    public long OutputPricePerMillion { get; init; }

    /// <summary>Requests per UTC day served free of charge (a provider's free tier); null when there is none.</summary>
    public int? FreeRequestsPerDay { get; init; }

    /// <summary>What <c>X-Bourse-Model-Id</c> names: <c>provider/upstream-model</c>.</summary>
    public string QualifiedId => $"{Provider.ToLowerInvariant()}/{UpstreamModel}";
}
