using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Bourse.Json;
using Bourse.Storage;
using Bourse.Usage;

namespace Bourse.Payments.X402;

/// <summary>
/// The usage events of paid calls, recorded before the payment settles (partition <c>usage-outbox</c> of
/// <see cref="TableNames.X402Payments"/>, a row per payment) and deleted once the call's real event is
/// sent. A crash mid-answer leaves the row; <see cref="ResendStaleAsync"/> then goes by the payment's
/// final state: settled → the recorded event (tokens unknown, marked estimated), failed or released →
/// dropped, still settling → left for a later run. Settlement posts each event id once.
/// </summary>
public sealed class PaidUsageOutbox(TableServiceClient tables, PaymentLedger payments, UsageEventPublisher publisher, TimeProvider time)
{
    private const string Partition = "usage-outbox";

    private readonly TableClient _table = tables.GetTableClient(TableNames.X402Payments);
    private volatile bool _created;

    /// <summary>Records what settlement must get if this call never reports its usage.</summary>
    public async Task RecordAsync(string paymentId, UsageEvent fallback, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await _table.UpsertEntityAsync(new TableEntity(Partition, paymentId)
        {
            ["Event"] = JsonSerializer.Serialize(fallback, BourseJsonContext.Default.UsageEvent),
            ["WrittenAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Sends the call's real event and clears the recorded one.</summary>
    public async Task SendAsync(string paymentId, UsageEvent usage, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(usage, cancellationToken);
        await DeleteAsync(paymentId, cancellationToken);
    }

    /// <summary>Resolves events recorded more than <paramref name="age"/> ago; returns how many were sent.</summary>
    public async Task<int> ResendStaleAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var before = time.GetUtcNow() - age;
        var sent = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and WrittenAt lt {before}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            var payment = await payments.GetAsync(row.RowKey, cancellationToken);
            switch (payment?.State)
            {
                case PaymentState.Settled:
                    var recorded = JsonSerializer.Deserialize(row.GetString("Event"), BourseJsonContext.Default.UsageEvent)!;
                    await SendAsync(row.RowKey, recorded with { PaymentSignature = payment.Signature, Payer = payment.Payer ?? recorded.Payer }, cancellationToken);
                    sent++;
                    break;
                case null or PaymentState.Failed or PaymentState.Verifying:
                    await DeleteAsync(row.RowKey, cancellationToken); // never paid (or released for another try)
                    break;
                default:
                    break; // settling or settlement_pending: the reconciler decides first
            }
        }

        return sent;
    }

    private async Task DeleteAsync(string paymentId, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(Partition, paymentId, ETag.All, cancellationToken);
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
