using System.Collections.Frozen;

namespace Bourse.Listings;

/// <summary>
/// Every listing as of one read of the registry, immutable. <see cref="Paid"/> answers the request
/// path's questions: is the model listed and paid, where does its money go (<see cref="Listing.VaultAuthority"/>
/// is x402's payTo, <see cref="Listing.VaultUsdcAccount"/> the vault), what is its fee (<see cref="Listing.ModelFeeBps"/>).
/// </summary>
public sealed class ListingSnapshot
{
    private readonly FrozenDictionary<string, Listing> _byModel;

    public ListingSnapshot(IEnumerable<Listing> listings, DateTimeOffset readAt)
    {
        _byModel = listings.ToFrozenDictionary(l => l.ModelId, StringComparer.Ordinal);
        ReadAt = readAt;
    }

    public static ListingSnapshot Empty { get; } = new([], DateTimeOffset.MinValue);

    /// <summary>When the registry was read.</summary>
    public DateTimeOffset ReadAt { get; }

    /// <summary>Every listing, whatever its status.</summary>
    public IReadOnlyCollection<Listing> All => _byModel.Values;

    /// <summary>The model's listing, whatever its status; null when it was never listed.</summary>
    public Listing? Find(string? modelId) => modelId is not null && _byModel.TryGetValue(modelId, out var l) ? l : null;

    /// <summary>The model's listing if calls to it are paid into its vault (approved); otherwise null: no creator, no creator fee, the treasury is paid.</summary>
    public Listing? Paid(string? modelId) => Find(modelId) is { IsPaid: true } l ? l : null;
}
