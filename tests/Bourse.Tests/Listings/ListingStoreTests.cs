using Azure.Data.Tables;
using Bourse.Listings;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Listings;

/// <summary>The listing registry on Azurite: keys, change-only upserts, conflicts, and the snapshot.</summary>
public sealed class ListingStoreTests
{
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);

    [Theory]
    [InlineData("google/gemma-3-27b-it")]
    [InlineData("a/b/c#d?e\\f%2Fg")]
    [InlineData("tab\there\u0001\u007f\u0085")]
    public void RowKey_ModelIdWithForbiddenCharacters_EscapesReversibly(string modelId)
    {
        var key = ListingKeys.RowKey(modelId);

        Assert.DoesNotContain(key, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
        Assert.Equal(modelId, ListingKeys.ModelId(key));
        Assert.Equal(ListingKeys.PartitionKey(modelId), ListingKeys.PartitionKey(modelId));
    }

    [Fact]
    public async Task Upsert_SameListingsAgain_WritesNothing()
    {
        using var store = new ListingStore(Tables);
        var listings = Enumerable.Range(0, 250).Select(i => NewListing($"t-{Guid.NewGuid():N}/m{i}", slot: 10)).ToList();

        var first = await store.UpsertAsync(listings, CancellationToken.None);
        var again = await store.UpsertAsync(listings, CancellationToken.None);
        var laterSlotOnly = await store.UpsertAsync([.. listings.Select(l => l with { LastSeenSlot = 99 })], CancellationToken.None);

        Assert.Equal(new ListingWrites(250, 0, 0, 0), first);
        Assert.Equal(new ListingWrites(0, 0, 250, 0), again);
        Assert.Equal(0, laterSlotOnly.Written);
        var stored = (await new ListingStore(Tables).ReadAllAsync(CancellationToken.None)).ToDictionary(l => l.ModelId);
        Assert.All(listings, l => Assert.Equal(l, stored[l.ModelId]));
    }

    [Fact]
    public async Task Upsert_ChangedAndStaleListings_WritesOnlyTheChange()
    {
        using var store = new ListingStore(Tables);
        var a = NewListing($"t-{Guid.NewGuid():N}/a", slot: 50);
        var b = NewListing($"t-{Guid.NewGuid():N}/b", slot: 50);
        await store.UpsertAsync([a, b], CancellationToken.None);

        var result = await store.UpsertAsync([a with { Status = ListingStatus.Delisted, LastSeenSlot = 60 }, b with { ModelFeeBps = 900, LastSeenSlot = 40 }], CancellationToken.None);

        Assert.Equal(new ListingWrites(0, 1, 0, 1), result);
        Assert.Equal(ListingStatus.Delisted, (await store.FindAsync(a.ModelId, CancellationToken.None))!.Status);
        Assert.Equal(b.ModelFeeBps, (await store.FindAsync(b.ModelId, CancellationToken.None))!.ModelFeeBps);
    }

    [Fact]
    public async Task Upsert_RowChangedByAnotherWriter_RereadsAndKeepsTheLatest()
    {
        using var indexer = new ListingStore(Tables);
        using var admin = new ListingStore(Tables);
        var listing = NewListing($"t-{Guid.NewGuid():N}/x", slot: 5);
        await indexer.UpsertAsync([listing], CancellationToken.None);
        var approvedByAdmin = listing with { Status = ListingStatus.Paused, Source = ListingSource.Admin, LastSeenSlot = 0 };
        Assert.Equal(1, (await admin.UpsertAsync([approvedByAdmin], CancellationToken.None)).Updated);

        // The indexer's copy is stale: its conditional write fails, it rereads, and what the admin wrote already says this.
        var same = await indexer.UpsertAsync([approvedByAdmin], CancellationToken.None);
        var changed = await indexer.UpsertAsync([listing with { ModelFeeBps = 1_000, LastSeenSlot = 7 }], CancellationToken.None);

        Assert.Equal(new ListingWrites(0, 0, 1, 0), same);
        Assert.Equal(new ListingWrites(0, 1, 0, 0), changed);
        Assert.Equal(1_000, (await admin.FindAsync(listing.ModelId, CancellationToken.None))!.ModelFeeBps);
    }

    [Fact]
    public async Task Registry_ServesFromMemoryAndSeesChangesOnRefresh()
    {
        using var store = new ListingStore(Tables);
        var time = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var registry = new ListingRegistry(store, time, Options.Create(new ListingsOptions { RefreshInterval = TimeSpan.FromSeconds(15) }), NullLogger<ListingRegistry>.Instance);
        var listing = NewListing($"t-{Guid.NewGuid():N}/r", slot: 1);
        await store.UpsertAsync([listing], CancellationToken.None);

        var first = await registry.CurrentAsync(CancellationToken.None);
        await store.UpsertAsync([listing with { Status = ListingStatus.Delisted, LastSeenSlot = 2 }], CancellationToken.None);
        var beforeRefresh = await registry.CurrentAsync(CancellationToken.None);
        var refreshed = await WaitForAsync(registry, s => s.ReadAt > first.ReadAt, time);

        Assert.Equal(listing.VaultAuthority, first.Paid(listing.ModelId)!.VaultAuthority);
        Assert.Same(first, beforeRefresh);
        Assert.Null(refreshed.Paid(listing.ModelId));
        Assert.Equal(ListingStatus.Delisted, refreshed.Find(listing.ModelId)!.Status);
        Assert.Null(refreshed.Find("no/such-model"));
    }

    internal static Listing NewListing(string modelId, long slot) => new(
        modelId,
        Mint: "Mint" + Guid.NewGuid().ToString("N")[..20],
        TokenProgram: "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb",
        Track: ListingTrack.A,
        ModelFeeBps: 500,
        VaultAuthority: "Auth" + Guid.NewGuid().ToString("N")[..20],
        VaultUsdcAccount: "Vault" + Guid.NewGuid().ToString("N")[..20],
        Status: ListingStatus.Approved,
        LastSeenSlot: slot,
        Source: ListingSource.Chain);

    /// <summary>Waits for <paramref name="done"/>, moving <paramref name="time"/> past a refresh interval each try: the background loop may start its wait after any one move.</summary>
    private static async Task<ListingSnapshot> WaitForAsync(ListingRegistry registry, Func<ListingSnapshot, bool> done, FakeTimeProvider? time = null)
    {
        for (var i = 0; i < 200; i++)
        {
            time?.Advance(TimeSpan.FromSeconds(16));
            var current = await registry.CurrentAsync(CancellationToken.None);
            if (done(current))
            {
                return current;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The registry did not refresh.");
    }
}
