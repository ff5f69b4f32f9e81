using Azure.Data.Tables;

namespace Bourse.Listings;

/// <summary>A listing's row: the <see cref="Listing"/> fields by name, enums as their names.</summary>
internal static class ListingEntity
{
    public static TableEntity From(Listing l) => new(ListingKeys.PartitionKey(l.ModelId), ListingKeys.RowKey(l.ModelId))
    {
        ["ModelId"] = l.ModelId,
        ["Mint"] = l.Mint,
        ["TokenProgram"] = l.TokenProgram,
        ["Track"] = l.Track.ToString(),
        ["ModelFeeBps"] = l.ModelFeeBps,
        ["VaultAuthority"] = l.VaultAuthority,
        ["VaultUsdcAccount"] = l.VaultUsdcAccount,
        ["Status"] = l.Status.ToString(),
        ["LastSeenSlot"] = l.LastSeenSlot,
        ["Source"] = l.Source.ToString(),
        ["ListingAccount"] = l.ListingAccount,
    };

    public static Listing ToListing(TableEntity e) => new(
        e.GetString("ModelId") ?? ListingKeys.ModelId(e.RowKey),
        e.GetString("Mint") ?? "",
        e.GetString("TokenProgram") ?? "",
        Enum.TryParse<ListingTrack>(e.GetString("Track"), out var track) ? track : ListingTrack.B,
        e.GetInt32("ModelFeeBps") ?? 0,
        e.GetString("VaultAuthority") ?? "",
        e.GetString("VaultUsdcAccount") ?? "",
        // An unreadable status is never paid.
        Enum.TryParse<ListingStatus>(e.GetString("Status"), out var status) ? status : ListingStatus.Paused,
        e.GetInt64("LastSeenSlot") ?? 0,
        Enum.TryParse<ListingSource>(e.GetString("Source"), out var source) ? source : ListingSource.Admin,
        e.GetString("ListingAccount"));
}
