namespace Bourse.Catalog;

/// <summary>The models Bourse routes (section <c>Catalog</c>; shipped in <c>catalog.json</c>, overridable by app settings).</summary>
public sealed class CatalogOptions
{
    public const string SectionName = "Catalog";

    public IList<ModelListing> Models { get; init; } = [];
}
