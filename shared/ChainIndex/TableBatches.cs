using Azure.Data.Tables;

namespace Bourse.ChainIndex;

/// <summary>Writes rows as entity-group transactions of at most 100 rows of one partition, several at a time.</summary>
internal static class TableBatches
{
    public const int MaxBatch = 100;

    /// <summary>Upserts (replace) <paramref name="entities"/>; returns how many rows were written.</summary>
    public static Task<int> UpsertAsync(TableClient table, IReadOnlyCollection<TableEntity> entities, int parallelism, CancellationToken cancellationToken) =>
        SubmitAsync(table, entities.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), parallelism, cancellationToken);

    /// <summary>Deletes rows (any version); returns how many.</summary>
    public static Task<int> DeleteAsync(TableClient table, string partitionKey, IEnumerable<string> rowKeys, int parallelism, CancellationToken cancellationToken) =>
        SubmitAsync(table, rowKeys.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partitionKey, k), Azure.ETag.All)), parallelism, cancellationToken);

    private static async Task<int> SubmitAsync(TableClient table, IEnumerable<TableTransactionAction> actions, int parallelism, CancellationToken cancellationToken)
    {
        var batches = actions
            .GroupBy(a => a.Entity.PartitionKey, StringComparer.Ordinal)
            .SelectMany(g => g.Chunk(MaxBatch))
            .ToList();
        if (batches.Count == 0)
        {
            return 0;
        }

        var written = 0;
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken }, async (batch, ct) =>
        {
            if (batch.Length == 1 && batch[0].ActionType == TableTransactionActionType.Delete)
            {
                var e = batch[0].Entity;
                await table.DeleteEntityAsync(e.PartitionKey, e.RowKey, Azure.ETag.All, ct);
            }
            else
            {
                await table.SubmitTransactionAsync(batch, ct);
            }

            Interlocked.Add(ref written, batch.Length);
        });
        return written;
    }
}
