using Bourse.Configuration;

namespace Bourse.Catalog;

/// <summary>Where a provider is reached (section <c>Providers:&lt;Name&gt;</c>). Without both, its offers are not routable.</summary>
public sealed class ProviderEndpoint
{
    public Uri? BaseUrl { get; init; }

    [Secret]
    public string? ApiKey { get; init; }

    public bool IsConfigured => BaseUrl is not null && !string.IsNullOrWhiteSpace(ApiKey);
}
