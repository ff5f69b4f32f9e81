using Azure.Data.Tables;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Logging;

namespace Bourse.Accounts;

/// <summary>
/// Cleans up after crashes, reading only what fell due (<see cref="DueIndex"/>), never a whole table:
/// exact holds past their expiry are voided (and a charged call's usage event that never reached the
/// queue is sent); leases no longer synced past their expiry have their unsent usage events sent and the
/// rest of their amount released to the balance. What an expired lease's instance had synced is already
/// posted, so the balance ends exactly at deposits minus synced charges.
/// </summary>
public sealed partial class CreditJanitor(
    CreditAccountTable credits, CreditHolds holds, DueIndex due, UsageOutbox outbox, UsageEventPublisher publisher, TimeProvider time, ILogger<CreditJanitor> logger)
{
    public Task<int> ExpireHoldsAsync(CancellationToken cancellationToken) => due.DrainDueAsync(CreditHolds.DueKind, ExpireHoldAsync, cancellationToken);

    public Task<int> ExpireLeasesAsync(CancellationToken cancellationToken) => due.DrainDueAsync(LeaseRows.DueKind, ExpireLeaseAsync, cancellationToken);

    private async Task<bool> ExpireHoldAsync(string id, DateTimeOffset minute, CancellationToken cancellationToken)
    {
        var (accountId, holdId) = Split(id);
        if (await holds.FindAsync(accountId, holdId, cancellationToken) is not { } hold)
        {
            return true; // never placed (the index is written first)
        }

        if (hold.State == "pending")
        {
            if (hold.ExpiresAt > time.GetUtcNow())
            {
                return await LaterAsync(CreditHolds.DueKind, hold.ExpiresAt.Value, minute, id, cancellationToken);
            }

            await holds.VoidAsync(accountId, holdId, cancellationToken, hold.KeyId);
            Log.HoldExpired(logger, accountId, holdId);
        }

        // Charged, but its usage event may not have reached the queue before a crash.
        await outbox.ResendAsync(accountId, UsageEventIds.Credits(holdId), cancellationToken);
        return true;
    }

    private async Task<bool> ExpireLeaseAsync(string id, DateTimeOffset minute, CancellationToken cancellationToken)
    {
        var (accountId, instance) = Split(id);
        for (var attempt = 0; ; attempt++)
        {
            var read = await credits.Table.GetEntityIfExistsAsync<TableEntity>(accountId, LeaseRows.Row(instance), cancellationToken: cancellationToken);
            if (!read.HasValue)
            {
                return true; // released by its instance
            }

            var lease = read.Value!;
            if (lease.GetDateTimeOffset("ExpiresAt") is { } expiresAt && expiresAt > time.GetUtcNow())
            {
                return await LaterAsync(LeaseRows.DueKind, expiresAt, minute, id, cancellationToken); // alive: look again when it would expire
            }

            // The dead instance's synced charges are posted; its events may not be on the queue yet.
            var unsent = LeaseRows.ReadOutbox(lease);
            await publisher.PublishManyAsync(unsent, cancellationToken);
            var amount = lease.GetInt64("Amount") ?? 0;
            var (balance, etag) = await credits.ReadBalanceAsync(accountId, cancellationToken);
            var released = balance with { Leased = balance.Leased - amount };
            var (outcome, _, _) = await credits.CommitAsync(
                [
                    CreditAccountTable.BalanceAction(accountId, released, etag),
                    new TableTransactionAction(TableTransactionActionType.Delete, lease, lease.ETag),
                ],
                cancellationToken);
            if (outcome == CreditAccountTable.Commit.Done)
            {
                Log.LeaseExpired(logger, accountId, instance, amount, unsent.Count);
                return true;
            }

            await CreditAccountTable.BackoffAsync(attempt, cancellationToken);
        }
    }

    /// <summary>Not due yet: kept in its minute if it falls due within it, else indexed again at its new time.</summary>
    private async Task<bool> LaterAsync(string kind, DateTimeOffset dueAt, DateTimeOffset minute, string id, CancellationToken cancellationToken)
    {
        if (DueIndex.Minute(dueAt) == minute)
        {
            return false;
        }

        await due.AddAsync(kind, dueAt, id, cancellationToken);
        return true;
    }

    private static (string AccountId, string Id) Split(string id)
    {
        var bar = id.LastIndexOf('|');
        return (id[..bar], id[(bar + 1)..]);
    }

    private static partial class Log
    {
        [LoggerMessage(2420, LogLevel.Information, "Hold {HoldId} of {AccountId} expired: voided")]
        public static partial void HoldExpired(ILogger logger, string accountId, string holdId);

        [LoggerMessage(2421, LogLevel.Warning, "Lease of {AccountId} by {Instance} expired: {Amount} micro-USDC released, {Unsent} usage events sent")]
        public static partial void LeaseExpired(ILogger logger, string accountId, string instance, long amount, int unsent);
    }
}
