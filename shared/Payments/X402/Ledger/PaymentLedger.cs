using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Payments.X402;

/// <summary>
/// Durable replay protection (table <see cref="TableNames.X402Payments"/>): a payment, keyed by the
/// SHA-256 of its message bytes, is claimed with insert-if-absent before anything is settled, so of any
/// number of concurrent or later uses exactly one proceeds. Every transition is ETag-conditioned. A payment
/// entering <c>settling</c> or <c>settlement_pending</c> is first put in the <see cref="DueIndex"/> (kinds
/// <see cref="SettlingDueKind"/>, <see cref="PendingDueKind"/>), where the reconciler finds it without
/// scanning the table: its cost follows the payments in doubt, not the history.
/// </summary>
public sealed class PaymentLedger(TableServiceClient tables, DueIndex due, TimeProvider time)
{
    /// <summary>Payments sent to /settle: due when, still <c>settling</c>, they count as interrupted.</summary>
    public const string SettlingDueKind = "x402-settling";

    /// <summary>Payments whose settlement outcome is unknown: due at once, and again each minute until resolved.</summary>
    public const string PendingDueKind = "x402-pending";

    /// <summary>Longer than any /settle call can take: a payment still <c>settling</c> after this was interrupted.</summary>
    public static readonly TimeSpan InterruptedAfter = TimeSpan.FromMinutes(5);

    private readonly TableClient _table = tables.GetTableClient(TableNames.X402Payments);
    private volatile bool _created;

    /// <summary>Claims <paramref name="payment"/> (state <c>verifying</c>); a 409 means another request holds it.</summary>
    public async Task<PaymentClaim> TryClaimAsync(CheckedPayment payment, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var now = time.GetUtcNow();
        var requirement = payment.Challenge.Requirement;
        var entity = new PaymentEntity
        {
            PartitionKey = payment.Id,
            State = ToText(PaymentState.Verifying),
            Version = payment.Version,
            Network = requirement.Network,
            Asset = requirement.Asset,
            Amount = payment.Challenge.Amount,
            PayTo = requirement.PayTo,
            ModelId = payment.Challenge.ModelId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            var response = await _table.AddEntityAsync(entity, cancellationToken);
            entity.ETag = response.Headers.ETag ?? default;
            return new PaymentClaim(ToRecord(entity), null);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return new PaymentClaim(null, await GetAsync(payment.Id, cancellationToken));
        }
    }

    public async Task<PaymentRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<PaymentEntity>(id, PaymentEntity.Row, cancellationToken: cancellationToken);
        return row.HasValue ? ToRecord(row.Value!) : null;
    }

    /// <summary>
    /// Moves <paramref name="record"/> to <paramref name="state"/> if nobody changed it since it was read;
    /// null when someone did (412).
    /// </summary>
    public async Task<PaymentRecord?> TransitionAsync(
        PaymentRecord record, PaymentState state, string? signature = null, string? payer = null, string? reason = null, ulong? expiresAtBlockHeight = null,
        CancellationToken cancellationToken = default)
    {
        var updated = record with
        {
            State = state,
            Signature = signature ?? record.Signature,
            Payer = payer ?? record.Payer,
            Reason = reason ?? record.Reason,
            ExpiresAtBlockHeight = expiresAtBlockHeight ?? record.ExpiresAtBlockHeight,
            UpdatedAt = time.GetUtcNow(),
        };
        // Indexed before it happens: a crash right after the transition still leaves the payment where the reconciler looks.
        if (state == PaymentState.Settling)
        {
            await due.AddAsync(SettlingDueKind, updated.UpdatedAt + InterruptedAfter, record.Id, cancellationToken);
        }
        else if (state == PaymentState.SettlementPending)
        {
            await due.AddAsync(PendingDueKind, updated.UpdatedAt, record.Id, cancellationToken);
        }

        var entity = ToEntity(updated);
        try
        {
            var response = await _table.UpdateEntityAsync(entity, record.ETag, TableUpdateMode.Replace, cancellationToken);
            return updated with { ETag = response.Headers.ETag ?? default };
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return null;
        }
    }

    /// <summary>Gives a claim back (nothing was sent to /settle), so the same payment can be tried again.</summary>
    public async Task<bool> ReleaseAsync(PaymentRecord record, CancellationToken cancellationToken = default)
    {
        if (record.State != PaymentState.Verifying)
        {
            throw new InvalidOperationException($"Only an unsettled claim can be released (payment {record.Id} is {record.State}).");
        }

        try
        {
            await _table.DeleteEntityAsync(record.Id, PaymentEntity.Row, record.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return false;
        }
    }

    /// <summary>
    /// Hands each payment of <paramref name="kind"/> that has fallen due to <paramref name="handle"/> (it returns when it
    /// is due again, or null when done with it); entries of payments that are gone are dropped.
    /// </summary>
    public Task<int> DrainDueAsync(string kind, Func<PaymentRecord, CancellationToken, Task<DateTimeOffset?>> handle, CancellationToken cancellationToken) =>
        due.DrainDueAsync(kind, async (id, _, ct) =>
        {
            if (await GetAsync(id, ct) is { } record && await handle(record, ct) is { } again)
            {
                await due.AddAsync(kind, again, id, ct);
            }

            return true;
        }, cancellationToken);

    internal static string ToText(PaymentState state) => state switch
    {
        PaymentState.Verifying => "verifying",
        PaymentState.Settling => "settling",
        PaymentState.Settled => "settled",
        PaymentState.Failed => "failed",
        PaymentState.SettlementPending => "settlement_pending",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    internal static PaymentState FromText(string text) => text switch
    {
        "verifying" => PaymentState.Verifying,
        "settling" => PaymentState.Settling,
        "settled" => PaymentState.Settled,
        "failed" => PaymentState.Failed,
        "settlement_pending" => PaymentState.SettlementPending,
        _ => throw new InvalidDataException($"Unknown payment state '{text}'."),
    };

    private async ValueTask EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }

    private static PaymentRecord ToRecord(PaymentEntity e) => new(
        e.PartitionKey, FromText(e.State), e.Version, e.Network, e.Asset, e.Amount, e.PayTo, e.ModelId, e.Payer, e.Signature, e.Reason,
        e.ExpiresAtBlockHeight is { } h ? (ulong)h : null, e.CreatedAt, e.UpdatedAt, e.ETag);

    private static PaymentEntity ToEntity(PaymentRecord r) => new()
    {
        PartitionKey = r.Id,
        State = ToText(r.State),
        Version = r.Version,
        Network = r.Network,
        Asset = r.Asset,
        Amount = r.Amount,
        PayTo = r.PayTo,
        ModelId = r.ModelId,
        Payer = r.Payer,
        Signature = r.Signature,
        Reason = r.Reason,
        ExpiresAtBlockHeight = r.ExpiresAtBlockHeight is { } h ? (long)h : null,
        CreatedAt = r.CreatedAt,
        UpdatedAt = r.UpdatedAt,
        ETag = r.ETag,
    };
}
