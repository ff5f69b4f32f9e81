using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Settlement;

/// <summary>
/// The settlement ledger in table <see cref="TableNames.Settlements"/>: one immutable row per usage
/// event (its split and its legs), keyed by the event id, in a partition per UTC day and model. Posting
/// is insert-if-absent, so an event delivered twice, or a batch retried after a crash, posts once.
/// Batches go as entity-group transactions of at most 100 rows of one partition.
/// </summary>
public sealed class SettlementLedger
{
    public const int MaxBatch = 100;

    private readonly TableClient _table;
    private readonly GroupCommit<SettlementPosting> _commits;
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

    public async Task<ModelDayAggregate> AggregateAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        long requests = 0, prompt = 0, completion = 0, gross = 0, provider = 0, creator = 0, protocol = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(model, day)}");
        string[] columns = ["PromptTokens", "CompletionTokens", "Gross", "ProviderPayout", "CreatorFee", "ProtocolFee"];
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: columns, cancellationToken: cancellationToken))
        {
            requests++;
            prompt += row.GetInt64("PromptTokens") ?? 0;
            completion += row.GetInt64("CompletionTokens") ?? 0;
            gross += row.GetInt64("Gross") ?? 0;
            provider += row.GetInt64("ProviderPayout") ?? 0;
            creator += row.GetInt64("CreatorFee") ?? 0;
            protocol += row.GetInt64("ProtocolFee") ?? 0;
        }

        return new ModelDayAggregate(model, day, requests, prompt, completion, gross, provider, creator, protocol);
    }

    /// <summary>Partition keys may not hold '/', so model ids like <c>google/gemma-3-27b-it</c> use '~'.</summary>
    public static string Partition(string model, DateOnly day) =>
        day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|" + model.Replace('/', '~');

    private async Task<bool[]> PostBatchAsync(string partition, SettlementPosting[] rows)
    {
        try
        {
            await _table.SubmitTransactionAsync(rows.Select(r => new TableTransactionAction(TableTransactionActionType.Add, Row(partition, r))));
            return [.. rows.Select(_ => true)];
        }
        catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            // Some were posted before (a redelivery or a retried batch): post the rest one by one.
            var posted = new bool[rows.Length];
            for (var i = 0; i < rows.Length; i++)
            {
                try
                {
                    await _table.AddEntityAsync(Row(partition, rows[i]));
                    posted[i] = true;
                }
                catch (RequestFailedException duplicate) when (duplicate.Status == (int)HttpStatusCode.Conflict)
                {
                }
            }

            return posted;
        }
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
