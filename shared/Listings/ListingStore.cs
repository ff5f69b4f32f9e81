using System.Collections.Concurrent;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Listings;

/// <summary>
/// The <see cref="TableNames.Listings"/> table: one row per model (<see cref="ListingKeys"/>). Writers
/// (the indexer from the chain, the admin approval) call <see cref="UpsertAsync"/>, which writes only
/// what changed, in entity-group transactions of at most 100 rows, each update conditional on the ETag
/// it last saw. Readers on the request path use <see cref="ListingRegistry"/> instead.
/// </summary>
public sealed class ListingStore : IDisposable
{
    private const int MaxBatch = 100;
    private const int MaxRounds = 8;

    private readonly TableClient _table;
    private readonly ConcurrentDictionary<string, (Listing Listing, ETag ETag)> _known = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile bool _created;
    private volatile bool _loaded;

    /// <param name="tablePrefix">Prepended to the table's name (tests keep a private registry on the shared storage).</param>
    public ListingStore(TableServiceClient tables, string tablePrefix = "")
    {
        _table = tables.GetTableClient(tablePrefix + TableNames.Listings);
    }

    public void Dispose() => _loading.Dispose();

    /// <summary>Every listing, whatever its status (16 partitions read in parallel).</summary>
    public async Task<IReadOnlyList<Listing>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var rows = await ReadRowsAsync(cancellationToken);
        return [.. rows.Select(r => r.Listing)];
    }

    /// <summary>The stored listing of <paramref name="modelId"/>, read from storage now.</summary>
    public async Task<Listing?> FindAsync(string modelId, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(ListingKeys.PartitionKey(modelId), ListingKeys.RowKey(modelId), cancellationToken: cancellationToken);
        return row.HasValue ? ListingEntity.ToListing(row.Value!) : null;
    }

    /// <summary>
    /// Stores each listing unless the row already says the same (<see cref="Listing.SameAs"/>) or, for
    /// one read from the chain, the row was seen at a later slot. A cycle that changes nothing writes
    /// nothing: rows are compared with what this store last read or wrote, and reread only when a
    /// conditional write finds that someone else changed them.
    /// </summary>
    public async Task<ListingWrites> UpsertAsync(IReadOnlyList<Listing> listings, CancellationToken cancellationToken)
    {
        await LoadOnceAsync(cancellationToken);
        var result = ListingWrites.None;
        var pending = listings.GroupBy(l => l.ModelId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round == MaxRounds)
            {
                throw new InvalidOperationException($"Listings kept changing under {pending.Count} writes after {MaxRounds} rounds.");
            }

            var conflicted = new List<Listing>();
            var changes = new List<(Listing Listing, ETag? ETag)>();
            foreach (var listing in pending)
            {
                if (_known.TryGetValue(listing.ModelId, out var stored))
                {
                    if (listing.SameAs(stored.Listing))
                    {
                        result = result.Add(new ListingWrites(0, 0, 1, 0));
                        continue;
                    }

                    if (listing.Source == ListingSource.Chain && listing.LastSeenSlot < stored.Listing.LastSeenSlot)
                    {
                        result = result.Add(new ListingWrites(0, 0, 0, 1));
                        continue;
                    }

                    changes.Add((listing, stored.ETag));
                }
                else
                {
                    changes.Add((listing, null));
                }
            }

            foreach (var partition in changes.GroupBy(c => ListingKeys.PartitionKey(c.Listing.ModelId)))
            {
                foreach (var batch in partition.Chunk(MaxBatch))
                {
                    var written = await SubmitAsync(batch, cancellationToken);
                    if (written is null)
                    {
                        await RereadAsync(batch.Select(b => b.Listing.ModelId), cancellationToken);
                        conflicted.AddRange(batch.Select(b => b.Listing));
                    }
                    else
                    {
                        result = result.Add(written);
                    }
                }
            }

            pending = conflicted;
        }

        return result;
    }

    /// <summary>
    /// Marks Delisted every listing read from the chain (not yet delisted) whose program account is gone
    /// (<paramref name="closed"/> says which): the indexer calls it after a complete read of the listing accounts.
    /// An operator's listing is left alone. Writes nothing when none is gone.
    /// </summary>
    public async Task<ListingWrites> DelistClosedAsync(Func<Listing, bool> closed, long slot, CancellationToken cancellationToken)
    {
        await LoadOnceAsync(cancellationToken);
        var gone = _known.Values
            .Select(k => k.Listing)
            .Where(l => l.Source == ListingSource.Chain && l.Status != ListingStatus.Delisted && closed(l))
            .Select(l => l with { Status = ListingStatus.Delisted, LastSeenSlot = Math.Max(slot, l.LastSeenSlot) })
            .ToList();
        return gone.Count == 0 ? ListingWrites.None : await UpsertAsync(gone, cancellationToken);
    }

    /// <summary>Writes one same-partition batch; null when a row changed since it was last seen (nothing was written).</summary>
    private async Task<ListingWrites?> SubmitAsync((Listing Listing, ETag? ETag)[] batch, CancellationToken cancellationToken)
    {
        var actions = batch.Select(b => b.ETag is { } etag
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, ListingEntity.From(b.Listing), etag)
            : new TableTransactionAction(TableTransactionActionType.Add, ListingEntity.From(b.Listing))).ToList();
        try
        {
            var response = await _table.SubmitTransactionAsync(actions, cancellationToken);
            for (var i = 0; i < batch.Length; i++)
            {
                var etag = response.Value[i].Headers.ETag ?? ETag.All;
                _known[batch[i].Listing.ModelId] = (batch[i].Listing, etag);
            }

            var inserted = batch.Count(b => b.ETag is null);
            return new ListingWrites(inserted, batch.Length - inserted, 0, 0);
        }
        catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task RereadAsync(IEnumerable<string> modelIds, CancellationToken cancellationToken)
    {
        foreach (var modelId in modelIds)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>(ListingKeys.PartitionKey(modelId), ListingKeys.RowKey(modelId), cancellationToken: cancellationToken);
            if (row.HasValue)
            {
                _known[modelId] = (ListingEntity.ToListing(row.Value!), row.Value!.ETag);
            }
            else
            {
                _known.TryRemove(modelId, out _);
            }
        }
    }

    private async Task LoadOnceAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (!_loaded)
            {
                foreach (var row in await ReadRowsAsync(cancellationToken))
                {
                    _known[row.Listing.ModelId] = row;
                }

                _loaded = true;
            }
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<List<(Listing Listing, ETag ETag)>> ReadRowsAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partitions = await Task.WhenAll(ListingKeys.AllPartitionKeys().Select(async partition =>
        {
            var rows = new List<(Listing, ETag)>();
            await foreach (var e in _table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: cancellationToken))
            {
                rows.Add((ListingEntity.ToListing(e), e.ETag));
            }

            return rows;
        }));
        return [.. partitions.SelectMany(p => p)];
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }
}
