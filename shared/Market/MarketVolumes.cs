using System.Collections.Concurrent;
using Bourse.Settlement;

namespace Bourse.Market;

/// <summary>
/// A model's inference over the last 30 UTC days and the last 24 hours, read from the settlement ledger's
/// aggregate rows only (<see cref="SettlementLedger"/>), so a refresh costs the same however many events
/// the model has: today's and yesterday's partitions are read as their day and hour aggregates (one query
/// of at most 25 rows each; they still grow, and the rolling 24 hours spans both); older days are one point
/// read of their day aggregate, kept in memory for <see cref="ClosedDayTtl"/>, so a late event is still
/// counted within that long. The last 24 hours are the 24 UTC hours ending with the current one (today's
/// hours up to now and yesterday's after the current hour), so they reach back between 23 and 24 hours.
/// </summary>
public sealed class MarketVolumes(SettlementLedger ledger, TimeProvider time)
{
    public const int Days = 30;
    public static readonly TimeSpan ClosedDayTtl = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Model, DateOnly Day), (MarketDay Day, DateTimeOffset ReadAt)> _closed = new();

    /// <summary>The last <see cref="Days"/> UTC days, oldest first and zero-filled, and the last 24 hours.</summary>
    public async Task<(IReadOnlyList<MarketDay> Days, MarketVolume Last24h)> ReadAsync(string model, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var hour = now.UtcDateTime.Hour;
        var days = Enumerable.Range(0, Days).Select(i => today.AddDays(i - (Days - 1))).ToArray();
        var read = await Task.WhenAll(days.Select(async day =>
        {
            if (day >= today.AddDays(-1))
            {
                var (totals, hours) = await ledger.HourlyAggregatesAsync(model, day, cancellationToken);
                var recent = day == today ? hours.Take(hour + 1) : hours.Skip(hour + 1);
                return (Day: ToDay(totals), Recent: recent.Aggregate(MarketVolume.Zero, (sum, h) => sum.Add(ToVolume(h))));
            }

            if (!_closed.TryGetValue((model, day), out var cached) || now - cached.ReadAt >= ClosedDayTtl)
            {
                cached = (ToDay(await ledger.AggregateAsync(model, day, cancellationToken)), now);
                _closed[(model, day)] = cached;
            }

            return (Day: cached.Day, Recent: MarketVolume.Zero);
        }));

        return ([.. read.Select(r => r.Day)], read.Aggregate(MarketVolume.Zero, (sum, r) => sum.Add(r.Recent)));
    }

    public static MarketVolume Total(IEnumerable<MarketDay> days) =>
        days.Aggregate(MarketVolume.Zero, (sum, d) => sum.Add(new MarketVolume(d.Calls, d.PromptTokens, d.CompletionTokens, d.Revenue, d.CreatorFees)));

    private static MarketDay ToDay(ModelDayAggregate a) => new(a.Day, a.Requests, a.PromptTokens, a.CompletionTokens, a.Gross, a.CreatorFee);

    private static MarketVolume ToVolume(ModelDayAggregate a) => new(a.Requests, a.PromptTokens, a.CompletionTokens, a.Gross, a.CreatorFee);
}
