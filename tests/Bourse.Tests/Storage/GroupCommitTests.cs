using System.Collections.Concurrent;
using Bourse.Storage;

namespace Bourse.Tests.Storage;

/// <summary>The group commit's bookkeeping, with an in-memory "partition" standing in for a table.</summary>
public sealed class GroupCommitTests
{
    [Fact]
    public async Task CommitAsync_ManyConcurrentCallers_BatchesOfAtMostMaxEachItemWrittenOnceAndCountedForItsCaller()
    {
        var written = new ConcurrentDictionary<string, int>();
        var batches = new ConcurrentBag<int>();
        var group = new GroupCommit<string>(
            async (_, items) =>
            {
                await Task.Delay(5);
                batches.Add(items.Length);
                Assert.Equal(items.Length, items.Distinct().Count());
                return [.. items.Select(i => written.TryAdd(i, 1))];
            },
            i => i,
            maxBatch: 10);
        var items = Enumerable.Range(0, 500).Select(i => $"e{i}").ToArray();

        // Every item twice, from 1,000 concurrent single-item callers.
        var counts = await Task.WhenAll(items.Concat(items).Select(i => Task.Run(() => group.CommitAsync("p", [i], CancellationToken.None))));

        Assert.Equal(500, counts.Sum()); // the second delivery of each is not new (insert-once, as the tables are)
        Assert.Equal(500, written.Count);
        Assert.All(batches, n => Assert.InRange(n, 1, 10));
        Assert.True(batches.Count < 1_000, $"{batches.Count} commits for 1,000 calls");
    }

    [Fact]
    public async Task CommitAsync_ABatchFails_ItsCallersFailAndLaterCallersStillCommit()
    {
        var failNext = 1;
        var group = new GroupCommit<int>(
            (_, items) => Interlocked.Exchange(ref failNext, 0) == 1
                ? throw new TimeoutException("storage is down")
                : Task.FromResult(items.Select(_ => true).ToArray()),
            i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            maxBatch: 100);

        var failed = await Assert.ThrowsAsync<InvalidOperationException>(() => group.CommitAsync("p", [1, 2], CancellationToken.None));
        var retried = await group.CommitAsync("p", [1, 2, 3], CancellationToken.None);

        Assert.IsType<TimeoutException>(failed.InnerException);
        Assert.Equal(3, retried);
    }
}
