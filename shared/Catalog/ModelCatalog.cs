using Microsoft.Extensions.Options;

namespace Bourse.Catalog;

/// <summary>The listed models and which of their offers can be routed (their provider is configured).</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, ModelListing> _models;
    private readonly Dictionary<string, ProviderEndpoint> _providers;

    public ModelCatalog(IOptions<CatalogOptions> catalog, IOptions<Dictionary<string, ProviderEndpoint>> providers)
    {
        _models = catalog.Value.Models.ToDictionary(m => m.Id, StringComparer.Ordinal);
        _providers = new Dictionary<string, ProviderEndpoint>(providers.Value, StringComparer.OrdinalIgnoreCase);
    }

    public IEnumerable<ModelListing> Models => _models.Values;

    public ModelListing? Find(string? id) => id is not null && _models.TryGetValue(id, out var model) ? model : null;

    public ProviderEndpoint? Endpoint(ProviderOffer offer) =>
        _providers.TryGetValue(offer.Provider, out var endpoint) && endpoint.IsConfigured ? endpoint : null;

    public IEnumerable<ProviderOffer> RoutableOffers(ModelListing model) => model.Offers.Where(o => Endpoint(o) is not null);
}
