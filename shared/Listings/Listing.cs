namespace Bourse.Listings;

/// <summary>
/// A model listed on the exchange: its token and the revenue vault its money goes to. One row per model
/// in the <c>Listings</c> table (<see cref="ListingStore"/>); read on the request path through
/// <see cref="ListingRegistry"/>'s in-memory <see cref="ListingSnapshot"/>, never from storage.
/// </summary>
/// <param name="ModelId">The catalog's model id (e.g. <c>google/gemma-3-27b-it</c>).</param>
/// <param name="Mint">The model token's mint (base58).</param>
/// <param name="TokenProgram">The mint's owner program: SPL Token or Token-2022 (base58 program id).</param>
/// <param name="Track">A: Bourse-native Token-2022 (transfer fee); B: external SPL.</param>
/// <param name="ModelFeeBps">The creator's share of every call, in basis points, paid into the vault.</param>
/// <param name="VaultAuthority">The wallet that owns the vault's USDC account: x402's <c>payTo</c>.</param>
/// <param name="VaultUsdcAccount">The vault's USDC token account (the ATA of <paramref name="VaultAuthority"/>).</param>
/// <param name="Status">Only <see cref="ListingStatus.Approved"/> is paid.</param>
/// <param name="LastSeenSlot">The slot of the read that last changed this listing (0 for an operator's write).</param>
/// <param name="Source">Who wrote it last.</param>
/// <param name="ListingAccount">The program's listing account (base58), when it is on chain.</param>
public sealed record Listing(
    string ModelId,
    string Mint,
    string TokenProgram,
    ListingTrack Track,
    int ModelFeeBps,
    string VaultAuthority,
    string VaultUsdcAccount,
    ListingStatus Status,
    long LastSeenSlot,
    ListingSource Source,
    string? ListingAccount = null)
{
    /// <summary>Calls to this model pay its vault and carry its creator fee.</summary>
    public bool IsPaid => Status == ListingStatus.Approved;

    /// <summary>Whether <paramref name="other"/> says the same thing, the slot it was seen at aside.</summary>
    public bool SameAs(Listing other) => this == other with { LastSeenSlot = LastSeenSlot };
}
