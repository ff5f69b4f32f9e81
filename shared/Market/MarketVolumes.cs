using System.Collections.Concurrent;
using Azure.Data.Tables;
using Bourse.Settlement;
using Bourse.Storage;

namespace Bourse.Market;

/// <summary>
/// A model's inference over the last 30 UTC days and the last 24 hours, summed from the settlement ledger's
/// day partitions (<see cref="SettlementLedger.Partition"/>). Today's and yesterday's partitions are read on
/// every call (they still grow, and the rolling 24 hours spans both); older days are kept in memory for
/// <see cref="ClosedDayTtl"/>, so a late event is still counted within that long.
/// </summary>
public sealed class MarketVolumes(TableServiceClient tables, TimeProvider time)
{
    public const int Days = 30;
    public static readonly TimeSpan ClosedDayTtl = TimeSpan.FromMinutes(10);
    private static readonly string[] Columns = ["OccurredAt", "PromptTokens", "CompletionTokens", "Gross", "CreatorFee"];

    private readonly TableClient _table = tables.GetTableClient(TableNames.Settlements);
    private readonly ConcurrentDictionary<(string Model, DateOnly Day), (MarketDay Day, DateTimeOffset ReadAt)> _closed = new();
    private volatile bool _created;

    /// <summary>The last <see cref="Days"/> UTC days, oldest first and zero-filled, and the last 24 hours.</summary>
    public async Task<(IReadOnlyList<MarketDay> Days, MarketVolume Last24h)> ReadAsync(string model, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var since = now.AddHours(-24);
        var days = Enumerable.Range(0, Days).Select(i => today.AddDays(i - (Days - 1))).ToArray();
        var last24h = MarketVolume.Zero;
        var read = await Task.WhenAll(days.Select(async day =>
        {
            var open = day >= today.AddDays(-1);
            if (!open && _closed.TryGetValue((model, day), out var cached) && now - cached.ReadAt < ClosedDayTtl)
            {
                return (Day: cached.Day, Recent: MarketVolume.Zero);
            }

            var (sum, recent) = await ScanAsync(model, day, since, cancellationToken);
            if (!open)
            {
                _closed[(model, day)] = (sum, now);
            }

            return (Day: sum, Recent: recent);
        }));
        foreach (var (_, recent) in read)
        {
            last24h = last24h.Add(recent);
        }

        return ([.. read.Select(r => r.Day)], last24h);
    }

    public static MarketVolume Total(IEnumerable<MarketDay> days) =>
        days.Aggregate(MarketVolume.Zero, (sum, d) => sum.Add(new MarketVolume(d.Calls, d.PromptTokens, d.CompletionTokens, d.Revenue, d.CreatorFees)));

    private async Task<(MarketDay Day, MarketVolume Recent)> ScanAsync(string model, DateOnly day, DateTimeOffset since, CancellationToken cancellationToken)
    {
        long calls = 0, prompt = 0, completion = 0, gross = 0, creator = 0;
        var recent = MarketVolume.Zero;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {SettlementLedger.Partition(model, day)}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: Columns, cancellationToken: cancellationToken))
        {
            var call = new MarketVolume(1, row.GetInt64("PromptTokens") ?? 0, row.GetInt64("CompletionTokens") ?? 0, row.GetInt64("Gross") ?? 0, row.GetInt64("CreatorFee") ?? 0);
            calls++;
            prompt += call.PromptTokens;
            completion += call.CompletionTokens;
            gross += call.Revenue;
            creator += call.CreatorFees;
            if (row.GetDateTimeOffset("OccurredAt") is { } at && at > since)
            {
                recent = recent.Add(call);
            }
        }

        return (new MarketDay(day, calls, prompt, completion, gross, creator), recent);
    }
}
