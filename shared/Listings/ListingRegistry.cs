using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Listings;

/// <summary>
/// The request path's view of the <c>Listings</c> table: a <see cref="ListingSnapshot"/> held in memory and
/// reread in the background every <see cref="ListingsOptions.RefreshInterval"/>, so no request reads
/// storage. The first <see cref="CurrentAsync"/> waits for the first read (and starts the refresh loop);
/// later ones return at once. A failed refresh keeps the last snapshot and tries again next interval.
/// Writers that need their change seen at once in this process call <see cref="RefreshAsync"/>.
/// </summary>
public sealed partial class ListingRegistry : IAsyncDisposable
{
    private readonly ListingStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<ListingRegistry> _logger;
    private readonly TimeSpan _interval;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private ListingSnapshot? _current;
    private Task? _loop;

    public ListingRegistry(ListingStore store, TimeProvider time, IOptions<ListingsOptions> options, ILogger<ListingRegistry> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _interval = options.Value.RefreshInterval;
    }

    /// <summary>The snapshot now: no storage read once the first one is in.</summary>
    public ValueTask<ListingSnapshot> CurrentAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _current) is { } current ? ValueTask.FromResult(current) : new ValueTask<ListingSnapshot>(FirstAsync(cancellationToken));

    /// <summary>Rereads the table now and returns the new snapshot.</summary>
    public async Task<ListingSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await _reading.WaitAsync(cancellationToken);
        try
        {
            var listings = await _store.ReadAllAsync(cancellationToken);
            var snapshot = new ListingSnapshot(listings, _time.GetUtcNow());
            Volatile.Write(ref _current, snapshot);
            return snapshot;
        }
        finally
        {
            _reading.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_loop is { } loop)
        {
            await loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private async Task<ListingSnapshot> FirstAsync(CancellationToken cancellationToken)
    {
        var snapshot = Volatile.Read(ref _current) ?? await RefreshAsync(cancellationToken);
        lock (_stopping)
        {
            _loop ??= Task.Run(() => RefreshLoopAsync(_stopping.Token), CancellationToken.None);
        }

        return snapshot;
    }

    private async Task RefreshLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _time, stopping);
                await RefreshAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TimeoutException)
            {
                Log.RefreshFailed(_logger, e);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(6000, LogLevel.Warning, "Listings: refreshing the snapshot failed; keeping the last one")]
        public static partial void RefreshFailed(ILogger logger, Exception exception);
    }
}
