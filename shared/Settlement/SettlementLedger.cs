using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Settlement;

/// <summary>
/// The settlement ledger in table <see cref="TableNames.Settlements"/>: one immutable row per usage
/// event (its split and its legs), keyed by the event id, in a partition per UTC day and model, and
/// the partition's aggregate rows updated in the same transaction: <c>aggregate</c> (the day's totals
/// for the model) and <c>aggregate|HH</c> (the totals of UTC hour HH). Posting is insert-if-absent, so an
/// event delivered twice, or a batch retried after a crash, posts (and counts) once. Batches go as
/// entity-group transactions of at most <see cref="MaxBatch"/> events plus the day aggregate and the hour
/// aggregates the events fall in (at most 24), so never more than 100 actions; the aggregates this
/// instance last wrote are kept with their ETags, so a batch needs no read, and a writer that lost a
/// race (412) reads them again.
/// </summary>
public sealed class SettlementLedger
{
    /// <summary>Events per transaction: 100 actions less the day aggregate and up to 24 hour aggregates.</summary>
    public const int MaxBatch = 100 - 1 - 24;
    private const string AggregateRow = "aggregate";

    private readonly TableClient _table;
    private readonly GroupCommit<SettlementPosting> _commits;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Partition, string Row), (ModelDayAggregate Totals, ETag? ETag)> _aggregates = new();
    private volatile bool _created;

    public SettlementLedger(TableServiceClient tables)
    {
        _table = tables.GetTableClient(TableNames.Settlements);
        _commits = new GroupCommit<SettlementPosting>(PostBatchAsync, p => p.Event.EventId, MaxBatch);
    }

    /// <summary>
    /// Posts the events not posted before; returns how many were new. Concurrent calls for one partition
    /// are committed together (<see cref="GroupCommit{TItem}"/>), so single-event calls still go in batches.
    /// </summary>
    public async Task<int> PostAsync(IReadOnlyList<SettlementPosting> postings, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var posted = 0;
        foreach (var partition in postings.DistinctBy(p => p.Event.EventId).GroupBy(p => Partition(p.Event.Model, DateOnly.FromDateTime(p.Event.OccurredAt.UtcDateTime))))
        {
            posted += await _commits.CommitAsync(partition.Key, [.. partition], cancellationToken);
        }

        return posted;
    }

    /// <summary>The model's figures for the day: one point read of the partition's aggregate row, however many events it has.</summary>
    public async Task<ModelDayAggregate> AggregateAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(model, day);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(partition, AggregateRow, cancellationToken: cancellationToken);
        return row.HasValue ? Totals(row.Value!, model, day) : Empty(model, day);
    }

    /// <summary>
    /// The model's figures for the day and for each of its 24 UTC hours (index = hour, zero where none): one
    /// query of the partition's aggregate rows (at most 25), however many events it has.
    /// </summary>
    public async Task<(ModelDayAggregate Day, IReadOnlyList<ModelDayAggregate> Hours)> HourlyAggregatesAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var read = await ReadAggregatesAsync(Partition(model, day), model, day, cancellationToken);
        var hours = Enumerable.Range(0, 24).Select(h => read.TryGetValue(HourRow(h), out var r) ? r.Totals : Empty(model, day)).ToArray();
        return (read.TryGetValue(AggregateRow, out var d) ? d.Totals : Empty(model, day), hours);
    }

    /// <summary>Partition keys may not hold '/', so model ids like <c>google/gemma-3-27b-it</c> use '~'.</summary>
    public static string Partition(string model, DateOnly day) =>
        day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|" + model.Replace('/', '~');

    /// <summary>The row key of the aggregate of UTC hour <paramref name="hour"/> (0-23) in a day partition.</summary>
    public static string HourRow(int hour) => AggregateRow + "|" + hour.ToString("00", CultureInfo.InvariantCulture);

    private static string HourRow(SettlementPosting p) => HourRow(p.Event.OccurredAt.UtcDateTime.Hour);

    private async Task<bool[]> PostBatchAsync(string partition, SettlementPosting[] rows)
    {
        var model = rows[0].Event.Model;
        var day = DateOnly.FromDateTime(rows[0].Event.OccurredAt.UtcDateTime);
        // The day aggregate covers every row; each hour aggregate the rows of its hour.
        var touched = new List<(string Row, SettlementPosting[] Rows)> { (AggregateRow, rows) };
        touched.AddRange(rows.GroupBy(HourRow, StringComparer.Ordinal).Select(g => (g.Key, g.ToArray())));
        var known = touched.All(t => _aggregates.ContainsKey((partition, t.Row)))
            ? touched.ToDictionary(t => t.Row, t => _aggregates[(partition, t.Row)], StringComparer.Ordinal)
            : await ReadAggregatesAsync(partition, model, day, CancellationToken.None);
        for (var attempt = 0; ; attempt++)
        {
            var next = touched.Select(t =>
            {
                var (totals, etag) = known.TryGetValue(t.Row, out var k) ? k : (Empty(model, day), null);
                return (t.Row, Totals: t.Rows.Aggregate(totals, Add), ETag: etag);
            }).ToList();
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Row(partition, r))).ToList();
            actions.AddRange(next.Select(n => AggregateAction(partition, n.Row, n.Totals, n.ETag)));
            try
            {
                var responses = await _table.SubmitTransactionAsync(actions);
                for (var i = 0; i < next.Count; i++)
                {
                    _aggregates[(partition, next[i].Row)] = (next[i].Totals, responses.Value[rows.Length + i].Headers.ETag);
                }

                return [.. rows.Select(_ => true)];
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict && (e.FailedTransactionActionIndex is { } failed ? failed < rows.Length : next.All(n => n.ETag is not null)))
            {
                // Some were posted before (a redelivery or a retried batch): post the rest one by one.
                foreach (var n in next)
                {
                    _aggregates.TryRemove((partition, n.Row), out _);
                }

                if (rows.Length == 1)
                {
                    return [false];
                }

                var posted = new bool[rows.Length];
                for (var i = 0; i < rows.Length; i++)
                {
                    posted[i] = (await PostBatchAsync(partition, [rows[i]]))[0];
                }

                return posted;
            }
            catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 50)
            {
                // Another instance moved an aggregate (or created it first): read them again.
                known = await ReadAggregatesAsync(partition, model, day, CancellationToken.None);
            }
        }
    }

    private static ModelDayAggregate Add(ModelDayAggregate totals, SettlementPosting p) => totals with
    {
        Requests = totals.Requests + 1,
        PromptTokens = totals.PromptTokens + p.Event.PromptTokens,
        CompletionTokens = totals.CompletionTokens + p.Event.CompletionTokens,
        Gross = totals.Gross + p.Split.Gross,
        ProviderPayout = totals.ProviderPayout + p.Split.ProviderPayout,
        CreatorFee = totals.CreatorFee + p.Split.CreatorFee,
        ProtocolFee = totals.ProtocolFee + p.Split.ProtocolFee,
    };

    private static TableTransactionAction AggregateAction(string partition, string rowKey, ModelDayAggregate totals, ETag? etag)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["Model"] = totals.Model, ["Requests"] = totals.Requests, ["PromptTokens"] = totals.PromptTokens, ["CompletionTokens"] = totals.CompletionTokens,
            ["Gross"] = totals.Gross, ["ProviderPayout"] = totals.ProviderPayout, ["CreatorFee"] = totals.CreatorFee, ["ProtocolFee"] = totals.ProtocolFee,
        };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    /// <summary>The partition's aggregate rows (day and hours, at most 25) by row key, with their ETags: one range query.</summary>
    private async Task<Dictionary<string, (ModelDayAggregate Totals, ETag? ETag)>> ReadAggregatesAsync(string partition, string model, DateOnly day, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, (ModelDayAggregate Totals, ETag? ETag)>(StringComparer.Ordinal);
        // "aggregate" <= key < "aggregate}" holds "aggregate" and "aggregate|HH" ('|' < '}'), and no event id.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {AggregateRow} and RowKey lt {AggregateRow + "}"}");
        await foreach (var r in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            read[r.RowKey] = (Totals(r, model, day), r.ETag);
        }

        return read;
    }

    private static ModelDayAggregate Empty(string model, DateOnly day) => new(model, day, 0, 0, 0, 0, 0, 0, 0);

    private static ModelDayAggregate Totals(TableEntity r, string model, DateOnly day) => new(
        model, day, r.GetInt64("Requests") ?? 0, r.GetInt64("PromptTokens") ?? 0, r.GetInt64("CompletionTokens") ?? 0, r.GetInt64("Gross") ?? 0,
        r.GetInt64("ProviderPayout") ?? 0, r.GetInt64("CreatorFee") ?? 0, r.GetInt64("ProtocolFee") ?? 0);

    private static TableEntity Row(string partition, SettlementPosting posting)
    {
        var e = posting.Event;
        return new TableEntity(partition, e.EventId)
        {
            ["Rail"] = e.Rail, ["Model"] = e.Model, ["Offer"] = e.Offer, ["AccountId"] = e.AccountId, ["KeyId"] = e.KeyId,
            ["Payer"] = e.Payer, ["PaymentSignature"] = e.PaymentSignature, ["RequestId"] = e.RequestId, ["OccurredAt"] = e.OccurredAt,
            ["PromptTokens"] = (long)e.PromptTokens, ["CompletionTokens"] = (long)e.CompletionTokens, ["UsageEstimated"] = e.UsageEstimated,
            ["Gross"] = posting.Split.Gross, ["ProviderPayout"] = posting.Split.ProviderPayout, ["CreatorFee"] = posting.Split.CreatorFee,
            ["ProtocolFee"] = posting.Split.ProtocolFee, ["CreatorFeeBps"] = posting.CreatorFeeBps, ["ProtocolFeeBps"] = posting.ProtocolFeeBps,
            ["PayTo"] = e.Terms?.PayTo, ["Mint"] = e.Terms?.Mint, ["Vault"] = e.Terms?.VaultUsdcAccount,
            ["Legs"] = string.Join(';', posting.Legs.Select(l => $"{l.Debit}>{l.Credit}:{l.Amount.ToString(CultureInfo.InvariantCulture)}")),
        };
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
