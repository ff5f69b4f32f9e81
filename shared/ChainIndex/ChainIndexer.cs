using Azure;
using Azure.Data.Tables;
using Bourse.Listings;
using Bourse.Quasar;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.ChainIndex;

/// <summary>
/// One indexer cycle: the program's accounts (listings among them), then the listings' mints and vaults, then the
/// history of the program, each vault and each mint. Each source fails alone (the others still run; a failed
/// source resumes from where its rows were written). Only changed rows are written, so a cycle over an unchanged
/// chain writes nothing; a cycle that wrote bumps the generation in <c>IndexerState</c> so that other instances
/// know to reload their <see cref="ChangeCache"/>. Two overlapping runs write the same rows and race only on
/// checkpoints, which move with their ETag.
/// </summary>
public sealed partial class ChainIndexer(
    QuasarIdl idl,
    ChainTables tables,
    ChangeCache cache,
    ProgramAccountSource accounts,
    TokenStateSource tokens,
    HistorySource history,
    ListingStore registry,
    IOptions<IndexerOptions> options,
    ILogger<ChainIndexer> logger) : IDisposable
{
    public const string GenerationPartition = "generation";
    public const string GenerationRow = "indexer";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _created;
    private IReadOnlyList<ChainListing>? _lastListings;

    public QuasarIdl Idl => idl;

    public async Task<IndexerCycleReport> RunCycleAsync(CancellationToken cancellationToken)
    {
        // One cycle at a time in this process: the cache is shared.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await CycleAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<IndexerCycleReport> CycleAsync(CancellationToken cancellationToken)
    {
        var report = new IndexerCycleReport();
        var settings = options.Value;
        if (!_created)
        {
            await tables.CreateAsync(cancellationToken);
            _created = true;
        }

        var generation = await tables.State.GetEntityIfExistsAsync<TableEntity>(GenerationPartition, GenerationRow, cancellationToken: cancellationToken);
        var current = generation.HasValue ? generation.Value!.GetInt64("Generation") ?? 0 : 0;
        if (cache.Generation != current)
        {
            cache.Clear(); // another instance wrote since this cache was filled (or it is cold)
            cache.Generation = current;
        }

        var stage = System.Diagnostics.Stopwatch.StartNew();
        var read = await accounts.RunAsync(idl, settings, report, cancellationToken);
        var listings = read?.Listings
            ?? _lastListings
            ?? await StoredListingsAsync(cancellationToken);
        _lastListings = listings;
        report.Listings = listings;
        report.Timings["accounts"] = stage.Elapsed;
        stage.Restart();
        await RegisterAsync(listings, read, report, cancellationToken);
        report.Timings["listings"] = stage.Elapsed;
        stage.Restart();
        await tokens.RunAsync(listings, settings, report, cancellationToken);
        report.Timings["tokens"] = stage.Elapsed;
        stage.Restart();

        var watched = new List<WatchedAddress> { new(WatchKind.Program, idl.ProgramId.ToString(), null) };
        watched.AddRange(listings.DistinctBy(l => l.VaultUsdcAccount).Select(l => new WatchedAddress(WatchKind.Vault, l.VaultUsdcAccount, l)));
        watched.AddRange(listings.DistinctBy(l => l.Mint).Select(l => new WatchedAddress(WatchKind.Mint, l.Mint, l)));
        var byAddress = listings.GroupBy(l => l.Address, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        await history.RunAsync(watched, idl, byAddress, settings, report, cancellationToken);
        report.Timings["history"] = stage.Elapsed;

        if (report.Writes > 0)
        {
            await BumpGenerationAsync(generation.HasValue ? generation.Value : null, current, report, cancellationToken);
        }

        Log.Cycle(logger, report.ToString());
        return report;
    }

    /// <summary>
    /// The listings into the <c>Listings</c> registry (which writes only what changed). When this cycle read the
    /// program's listing accounts (<paramref name="read"/>), a chain listing whose account is gone (closed) is marked
    /// Delisted, so that calls stop paying its vault from the next registry refresh on.
    /// </summary>
    private async Task RegisterAsync(IReadOnlyList<ChainListing> listings, ListingsRead? read, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var mapped = new List<Listing>(listings.Count);
        foreach (var l in listings)
        {
            if (ToListing(l) is { } listing)
            {
                mapped.Add(listing);
            }
            else
            {
                Log.UnknownTerms(logger, l.Address, l.Track, l.Status);
            }
        }

        try
        {
            report.ListingRows = (await registry.UpsertAsync(mapped, cancellationToken)).Written;
            if (read is not null)
            {
                var present = listings.Select(l => l.ModelId).ToHashSet(StringComparer.Ordinal);
                var delisted = await registry.DelistClosedAsync(
                    l => !present.Contains(l.ModelId) && l.ListingAccount is { } account && !read.Accounts.Contains(account), read.Slot, cancellationToken);
                report.ListingRows += delisted.Written;
            }
        }
        catch (RequestFailedException e)
        {
            report.Fail("listings", e.Message);
            Log.RegistryFailed(logger, e.Message);
        }
    }

    /// <summary>A chain listing in the registry's terms; a pending listing is not paid yet (Paused). Null for a track or status the registry does not know.</summary>
    public static Listing? ToListing(ChainListing l)
    {
        if (!Enum.TryParse<ListingTrack>(l.Track, ignoreCase: true, out var track))
        {
            return null;
        }

        ListingStatus? status = l.Status.ToUpperInvariant() switch
        {
            "APPROVED" => ListingStatus.Approved,
            "PAUSED" or "PENDING" => ListingStatus.Paused,
            "DELISTED" => ListingStatus.Delisted,
            _ => null,
        };
        return status is { } s
            ? new Listing(l.ModelId, l.Mint, l.TokenProgram, track, l.ModelFeeBps, l.VaultAuthority, l.VaultUsdcAccount, s, l.Slot, ListingSource.Chain, l.Address)
            : null;
    }

    private async Task BumpGenerationAsync(TableEntity? row, long current, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var next = new TableEntity(GenerationPartition, GenerationRow) { ["Generation"] = current + 1 };
        try
        {
            if (row is null)
            {
                await tables.State.AddEntityAsync(next, cancellationToken);
            }
            else
            {
                await tables.State.UpdateEntityAsync(next, row.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            cache.Generation = current + 1;
            report.GenerationBumped = true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance wrote during this cycle: what this cache holds may be stale; read it afresh next time.
            cache.Clear();
        }
    }

    /// <summary>The listings last written to <c>ProgramAccounts</c>, for a cycle whose account read failed in a cold process.</summary>
    private async Task<IReadOnlyList<ChainListing>> StoredListingsAsync(CancellationToken cancellationToken)
    {
        var listings = new List<ChainListing>();
        await foreach (var account in tables.ProgramAccountsAsync(ChainListing.AccountType, cancellationToken))
        {
            try
            {
                listings.Add(ChainListing.From(account.Address, account.ToRecord(), account.Slot));
            }
            catch (Exception e) when (e is FormatException or InvalidCastException or KeyNotFoundException or OverflowException)
            {
                Log.StoredListingUnreadable(logger, account.Address, e.Message);
            }
        }

        return listings;
    }

    private static partial class Log
    {
        [LoggerMessage(6030, LogLevel.Information, "Indexer cycle: {Summary}")]
        public static partial void Cycle(ILogger logger, string summary);

        [LoggerMessage(6032, LogLevel.Warning, "Indexer: listing {Address} has a track ({Track}) or status ({Status}) the registry does not know; not registered")]
        public static partial void UnknownTerms(ILogger logger, string address, string track, string status);

        [LoggerMessage(6033, LogLevel.Warning, "Indexer: the Listings registry could not be written: {Reason}")]
        public static partial void RegistryFailed(ILogger logger, string reason);

        [LoggerMessage(6031, LogLevel.Warning, "Indexer: stored listing {Address} is unreadable: {Reason}")]
        public static partial void StoredListingUnreadable(ILogger logger, string address, string reason);
    }
}
