using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Bourse.Storage;

/// <summary>
/// A time-bucketed index of things that fall due (table <see cref="TableNames.DueIndex"/>): partition
/// <c>&lt;kind&gt;|yyyyMMddHHmm</c> (the minute it is due), row = the thing's id. A timer reads only the
/// minutes that have passed since its last run (its cursor row), never the whole history, and deletes
/// what it handled. Entries are hints: the handler checks the thing itself (a renewed lease or a
/// finished hold is simply dropped from the index, or indexed again at its new due time).
/// </summary>
public sealed class DueIndex(TableServiceClient tables, TimeProvider time, string tableName = TableNames.DueIndex)
{
    private const string CursorPartition = "cursor";

    /// <summary>How far back a first run (no cursor yet) looks.</summary>
    private static readonly TimeSpan FirstLookBack = TimeSpan.FromHours(1);

    private readonly TableClient _table = tables.GetTableClient(tableName);
    private volatile bool _created;

    public async Task AddAsync(string kind, DateTimeOffset due, string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(Bucket(kind, due), id), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Hands every entry of <paramref name="kind"/> due by now to <paramref name="handle"/> (given the
    /// entry's id and minute; it returns true when the entry can go, false to keep it where it is),
    /// bucket by bucket, then moves the cursor past the buckets it emptied. Returns how many entries went.
    /// </summary>
    public async Task<int> DrainDueAsync(string kind, Func<string, DateTimeOffset, CancellationToken, Task<bool>> handle, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var cursorRow = await _table.GetEntityIfExistsAsync<TableEntity>(CursorPartition, kind, cancellationToken: cancellationToken);
        var from = cursorRow.HasValue && cursorRow.Value!.GetDateTimeOffset("Next") is { } next ? next : Minute(now - FirstLookBack);
        var handled = 0;
        var cursor = from;
        var blocked = false;
        for (var minute = from; minute <= now; minute = minute.AddMinutes(1))
        {
            var partition = Bucket(kind, minute);
            var left = 0;
            await foreach (var entry in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: cancellationToken))
            {
                if (await handle(entry.RowKey, minute, cancellationToken))
                {
                    await DeleteAsync(partition, entry.RowKey, cancellationToken);
                    handled++;
                }
                else
                {
                    left++;
                }
            }

            // The cursor moves only over whole minutes that are past and empty now.
            blocked |= left > 0 || minute.AddMinutes(1) > now;
            if (!blocked)
            {
                cursor = minute.AddMinutes(1);
            }
        }

        if (cursor != from)
        {
            await _table.UpsertEntityAsync(new TableEntity(CursorPartition, kind) { ["Next"] = cursor }, TableUpdateMode.Replace, cancellationToken);
        }

        return handled;
    }

    public static string Bucket(string kind, DateTimeOffset due) =>
        kind + "|" + Minute(due).ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static DateTimeOffset Minute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    private async Task DeleteAsync(string partition, string row, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, row, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
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
