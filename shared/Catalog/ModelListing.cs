using System.ComponentModel.DataAnnotations;

namespace Bourse.Catalog;

/// <summary>A model as Bourse lists it: its public id, limits, token (when tokenized) and offers.</summary>
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

    public bool Tokenized { get; init; }

    /// <summary>The model's token mint, when tokenized.</summary>
    public string? Mint { get; init; }

    /// <summary>The creator's share of every call, in basis points (paid into the model's revenue vault).</summary>
    [Range(0, 5_000)]
    public int CreatorFeeBps { get; init; }

    public IList<ProviderOffer> Offers { get; init; } = [];
}
