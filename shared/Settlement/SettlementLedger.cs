using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Settlement;

/// <summary>
/// The settlement ledger in table <see cref="TableNames.Settlements"/>: one immutable row per usage
/// event (its split and its legs), keyed by the event id, in a partition per UTC day and model, and
/// the partition's <c>aggregate</c> row (the day's totals for the model) updated in the same
/// transaction. Posting is insert-if-absent, so an event delivered twice, or a batch retried after a
/// crash, posts (and counts) once. Batches go as entity-group transactions of at most 99 events and the
/// aggregate; the aggregate this instance last wrote is kept with its ETag, so a batch needs no read.
/// </summary>
public sealed class SettlementLedger
{
    public const int MaxBatch = 99;
    private const string AggregateRow = "aggregate";

    private readonly TableClient _table;
    private readonly GroupCommit<SettlementPosting> _commits;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ModelDayAggregate Totals, ETag? ETag)> _aggregates = new(StringComparer.Ordinal);
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
        return (await ReadAggregateAsync(Partition(model, day), model, day, cancellationToken)).Totals;
    }

    /// <summary>Partition keys may not hold '/', so model ids like <c>google/gemma-3-27b-it</c> use '~'.</summary>
    public static string Partition(string model, DateOnly day) =>
        day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|" + model.Replace('/', '~');

    private async Task<bool[]> PostBatchAsync(string partition, SettlementPosting[] rows)
    {
        var model = rows[0].Event.Model;
        var day = DateOnly.FromDateTime(rows[0].Event.OccurredAt.UtcDateTime);
        var (totals, etag) = _aggregates.TryGetValue(partition, out var known) ? known : await ReadAggregateAsync(partition, model, day, CancellationToken.None);
        for (var attempt = 0; ; attempt++)
        {
            var next = rows.Aggregate(totals, Add);
            var actions = rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Row(partition, r))).ToList();
            actions.Add(AggregateAction(partition, next, etag));
            try
            {
                var responses = await _table.SubmitTransactionAsync(actions);
                _aggregates[partition] = (next, responses.Value[^1].Headers.ETag);
                return [.. rows.Select(_ => true)];
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict && (e.FailedTransactionActionIndex is { } failed ? failed < rows.Length : etag is not null))
            {
                // Some were posted before (a redelivery or a retried batch): post the rest one by one.
                _aggregates.TryRemove(partition, out _);
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
                // Another instance moved the aggregate (or created it first): read it again.
                (totals, etag) = await ReadAggregateAsync(partition, model, day, CancellationToken.None);
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

    private static TableTransactionAction AggregateAction(string partition, ModelDayAggregate totals, ETag? etag)
    {
        var row = new TableEntity(partition, AggregateRow)
        {
            ["Model"] = totals.Model, ["Requests"] = totals.Requests, ["PromptTokens"] = totals.PromptTokens, ["CompletionTokens"] = totals.CompletionTokens,
            ["Gross"] = totals.Gross, ["ProviderPayout"] = totals.ProviderPayout, ["CreatorFee"] = totals.CreatorFee, ["ProtocolFee"] = totals.ProtocolFee,
        };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    private async Task<(ModelDayAggregate Totals, ETag? ETag)> ReadAggregateAsync(string partition, string model, DateOnly day, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(partition, AggregateRow, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (new ModelDayAggregate(model, day, 0, 0, 0, 0, 0, 0, 0), null);
        }

        var r = row.Value!;
        return (new ModelDayAggregate(
            model, day, r.GetInt64("Requests") ?? 0, r.GetInt64("PromptTokens") ?? 0, r.GetInt64("CompletionTokens") ?? 0, r.GetInt64("Gross") ?? 0,
            r.GetInt64("ProviderPayout") ?? 0, r.GetInt64("CreatorFee") ?? 0, r.GetInt64("ProtocolFee") ?? 0), r.ETag);
    }

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
