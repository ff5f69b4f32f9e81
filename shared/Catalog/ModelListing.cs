using System.ComponentModel.DataAnnotations;

namespace Bourse.Catalog;

/// <summary>A model Bourse routes: its public id, limits and provider offers. Its token, vault and creator fee, when it has them, are its listing (<c>Bourse.Listings</c>).</summary>
public sealed class ModelListing
{
    [Required]
    public string Id { get; init; } = "";

    public string OwnedBy { get; init; } = "bourse";

    [Range(1, int.MaxValue)]
    public int ContextLength { get; init; } = 32_768;

    /// <summary>The output cap a hold assumes when the request names none.</summary>
    [Range(1, int.MaxValue)]
    public int DefaultMaxOutputTokens { get; init; } = 4_096;

    public IList<ProviderOffer> Offers { get; init; } = [];
}
