using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.Demo;

/// <summary>
/// The demo's limits: calls per client address per window (in this instance's memory: a client is
/// usually served by one instance, and the daily cap bounds the total anyway), and calls per UTC day
/// across instances (one row per day in <c>X402Demo</c>, counted up under its ETag).
/// </summary>
public sealed class X402DemoLimits(TableServiceClient tables, IOptions<X402DemoOptions> options, TimeProvider time)
{
    private const int MaxClients = 100_000;
    private readonly TableClient _table = tables.GetTableClient(TableNames.X402Demo);
    private readonly ConcurrentDictionary<string, Window> _clients = new(StringComparer.Ordinal);
    private volatile bool _tableReady;

    /// <summary>Takes one call of the client's allowance; null when allowed, else how long until it may try again.</summary>
    public TimeSpan? TakeClientCall(string client)
    {
        var now = time.GetUtcNow();
        var window = options.Value.ClientWindow;
        if (_clients.Count > MaxClients)
        {
            foreach (var (key, w) in _clients)
            {
                if (now - w.Start >= window)
                {
                    _clients.TryRemove(key, out _);
                }
            }
        }

        while (true)
        {
            var current = _clients.GetOrAdd(client, _ => new Window(now, 0));
            var next = now - current.Start >= window ? new Window(now, 1) : current with { Count = current.Count + 1 };
            if (next.Count > options.Value.CallsPerClient)
            {
                return current.Start + window - now;
            }

            if (_clients.TryUpdate(client, next, current))
            {
                return null;
            }
        }
    }

    /// <summary>Counts one call against today's cap; false when the cap is reached (nothing counted).</summary>
    public async Task<bool> TakeDailyCallAsync(CancellationToken cancellationToken)
    {
        if (!_tableReady)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _tableReady = true;
        }

        var day = time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var row = await _table.GetEntityIfExistsAsync<TableEntity>("day", day, cancellationToken: cancellationToken);
            try
            {
                if (!row.HasValue)
                {
                    await _table.AddEntityAsync(new TableEntity("day", day) { ["Calls"] = 1 }, cancellationToken);
                    return true;
                }

                var entity = row.Value!;
                var calls = entity.GetInt32("Calls") ?? 0;
                if (calls >= options.Value.CallsPerDay)
                {
                    return false;
                }

                entity["Calls"] = calls + 1;
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another call counted first: read again.
            }
        }

        return false;
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
