using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Bourse.ChainIndex;

/// <summary>
/// What the indexer last wrote, row by row, as a hash of the row's content: a row whose hash is unchanged is not
/// written again, so a cycle over an unchanged chain writes nothing. It lives as long as the process (the
/// Functions host keeps it between timer runs) and is loaded from the tables when cold (only the hash column).
/// A generation number in <c>IndexerState</c>, bumped by every cycle that wrote, tells a run that another instance
/// wrote meanwhile: then the cache is dropped and reloaded.
/// </summary>
public sealed class ChangeCache
{
    public const string HashColumn = "RowHash";

    private readonly ConcurrentDictionary<(string Table, string Partition), Partition> _partitions = new();

    /// <summary>The <c>IndexerState</c> generation the cache reflects; null when unknown (reload everything).</summary>
    public long? Generation { get; set; }

    public void Clear()
    {
        _partitions.Clear();
        Generation = null;
    }

    /// <summary>The partition's row hashes, read from the table the first time (and after <see cref="Clear"/>).</summary>
    public async Task<Partition> PartitionAsync(TableClient table, string partitionKey, CancellationToken cancellationToken)
    {
        if (_partitions.TryGetValue((table.Name, partitionKey), out var known))
        {
            return known;
        }

        var partition = new Partition();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        await foreach (var row in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["RowKey", HashColumn], cancellationToken: cancellationToken))
        {
            partition.Rows[row.RowKey] = row.GetString(HashColumn) ?? "";
        }

        return _partitions.GetOrAdd((table.Name, partitionKey), partition);
    }

    /// <summary>Row key → content hash of one table partition.</summary>
    public sealed class Partition
    {
        public ConcurrentDictionary<string, string> Rows { get; } = new(StringComparer.Ordinal);

        public bool IsUnchanged(string rowKey, string hash) => Rows.TryGetValue(rowKey, out var known) && known == hash;
    }
}
