using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Listings;
using Microsoft.Extensions.Configuration;

namespace Bourse.LocalHost.Seeding;

/// <summary>
/// Local only, until the indexer fills the registry from the program's listing accounts: at start the
/// host writes the local chain's seeded listings (its ready file's <c>models</c>, named by
/// <c>LocalHost:SeedListingsFrom</c>) into the <c>Listings</c> table, through the same upsert the indexer uses.
/// </summary>
public static class ChainListingSeed
{
    public const string SettingName = "LocalHost:SeedListingsFrom";

    public static async Task<int> SeedAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (configuration[SettingName] is not { Length: > 0 } path)
        {
            return 0;
        }

        using var ready = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
        var listings = ready.RootElement.GetProperty("models").EnumerateArray().Select(ToListing).ToList();
        using var store = new ListingStore(new TableServiceClient(configuration["AzureWebJobsStorage"]));
        return (await store.UpsertAsync(listings, cancellationToken)).Written;
    }

    private static Listing ToListing(JsonElement m)
    {
        string? Text(string name) => m.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var tokenProgram = Text("tokenProgram") ?? Solana.Programs.ProgramIds.Token.ToString();
        return new Listing(
            Text("id")!,
            Text("mint")!,
            tokenProgram,
            Enum.TryParse<ListingTrack>(Text("track"), out var track) ? track
                : tokenProgram == Solana.Programs.ProgramIds.Token2022.ToString() ? ListingTrack.A : ListingTrack.B,
            m.TryGetProperty("modelFeeBps", out var fee) && fee.ValueKind == JsonValueKind.Number ? fee.GetInt32() : 500,
            Text("vaultAuthority") ?? Text("payTo")!,
            Text("vaultUsdcAccount")!,
            Enum.TryParse<ListingStatus>(Text("status"), out var status) ? status : ListingStatus.Approved,
            LastSeenSlot: 0,
            ListingSource.Chain,
            Text("listing"));
    }
}
