namespace Bourse.Storage;

/// <summary>
/// Commits concurrent writes to one table partition together. Callers queue their items under the
/// partition's key; whoever finds no commit running for that key commits the oldest waiting items (at
/// most <c>maxBatch</c>, as one entity-group transaction allows) on everyone's behalf, and every caller
/// returns once its own items are committed. A burst of single-item calls becomes a few batches
/// instead of many transactions racing for the same rows.
/// </summary>
/// <param name="commit">Writes one batch of distinct items; returns, per item, whether it was new.</param>
public sealed class GroupCommit<TItem>(Func<string, TItem[], Task<bool[]>> commit, Func<TItem, string> identity, int maxBatch)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Partition> _partitions = new(StringComparer.Ordinal);

    /// <summary>Commits <paramref name="items"/> to partition <paramref name="key"/>; returns how many were new.</summary>
    public async Task<int> CommitAsync(string key, IReadOnlyList<TItem> items, CancellationToken cancellationToken)
    {
        var mine = items.Select(i => new Pending(i)).ToArray();
        var partition = _partitions.GetOrAdd(key, _ => new Partition());
        lock (partition.Gate)
        {
            partition.Waiting.AddRange(mine);
        }

        while (true)
        {
            Pending[]? batch = null;
            Task round;
            lock (partition.Gate)
            {
                if (mine.All(p => p.IsDone))
                {
                    break;
                }

                if (!partition.Committing)
                {
                    partition.Committing = true;
                    batch = [.. partition.Waiting.Take(maxBatch)];
                    partition.Waiting.RemoveRange(0, batch.Length);
                }

                round = partition.RoundDone.Task;
            }

            if (batch is null)
            {
                await round.WaitAsync(cancellationToken);
                continue;
            }

            await CommitBatchAsync(key, batch);
            lock (partition.Gate)
            {
                partition.Committing = false;
                var done = partition.RoundDone;
                partition.RoundDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                done.SetResult();
            }
        }

        return mine.FirstOrDefault(p => p.Error is not null)?.Error is { } error
            ? throw new InvalidOperationException($"Committing to partition '{key}' failed.", error)
            : mine.Count(p => p.IsNew == true);
    }

    private async Task CommitBatchAsync(string key, Pending[] batch)
    {
        try
        {
            // The same item twice in one batch (a message delivered twice at once) is written once.
            var distinct = batch.DistinctBy(p => identity(p.Item)).ToArray();
            // Not a caller's token: the batch carries other callers' items too.
            var isNew = await commit(key, [.. distinct.Select(p => p.Item)]);
            foreach (var p in batch)
            {
                var i = Array.IndexOf(distinct, p);
                p.IsNew = i >= 0 && isNew[i];
            }
        }
        catch (Exception e)
        {
            foreach (var p in batch)
            {
                p.Error = e; // each caller fails, and retries: the writes are insert-once
            }
        }
    }

    private sealed class Pending(TItem item)
    {
        public TItem Item { get; } = item;

        public bool? IsNew { get; set; }

        public Exception? Error { get; set; }

        public bool IsDone => IsNew is not null || Error is not null;
    }

    private sealed class Partition
    {
        public Lock Gate { get; } = new();

        public List<Pending> Waiting { get; } = [];

        public bool Committing { get; set; }

        public TaskCompletionSource RoundDone { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
