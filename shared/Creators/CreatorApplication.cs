using Bourse.Listings;

namespace Bourse.Creators;

/// <summary>A creator's request to list a catalog model, and the admin's decision.</summary>
/// <param name="Mint">Track B: the external token's mint. Track A: the creator's Token-2022 mint, or null to have one minted here.</param>
public sealed record CreatorApplication(
    string Id,
    string ModelId,
    string Link,
    string Description,
    string Contact,
    ListingTrack Track,
    string? Mint,
    int ModelFeeBps,
    ApplicationStatus Status,
    DateTimeOffset SubmittedAt,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? Reason = null,
    string? ListingMint = null,
    string? VaultAuthority = null,
    string? VaultUsdcAccount = null);
