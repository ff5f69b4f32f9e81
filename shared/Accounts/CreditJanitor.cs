using Azure.Data.Tables;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Logging;

namespace Bourse.Accounts;

/// <summary>
/// Cleans up after crashes, reading only what fell due (<see cref="DueIndex"/>), never a whole table:
/// exact holds past their expiry are voided (and a charged call's usage event that never reached the
/// queue is sent); a lease no longer synced past its expiry has the charges its instance journaled but had
/// not posted (<see cref="BillingJournal"/> flushes after the lease's <c>PostedThrough</c>) posted, their
/// usage events sent, and the rest of its amount released, so the balance ends exactly at deposits minus
/// journaled charges. A dead instance's journal rows are left where they are (they are never read again).
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

            // The dead instance's charges are posted through PostedThrough; what its journal holds after that
            // is posted now, with the rest of the lease released, in one transaction of the account.
            var journaled = await JournaledAsync(accountId, instance, lease.GetInt64("PostedThrough") ?? 0, cancellationToken);
            var events = journaled.Events;
            await publisher.PublishManyAsync(events, cancellationToken); // settlement posts each event once: a resend is harmless
            await credits.Table.UpsertEntityAsync(
                new TableEntity(BillingJournal.Partition(instance), BillingJournal.PostedRow(accountId)) { ["PostedThrough"] = journaled.Through },
                TableUpdateMode.Replace, cancellationToken);
            var amount = lease.GetInt64("Amount") ?? 0;
            var (balance, etag) = await credits.ReadBalanceAsync(accountId, cancellationToken);
            var consumed = events.Sum(e => e.CostMicroUsdc);
            var charged = Math.Min(consumed, amount + Math.Max(0, balance.Available)); // never beyond the lease and what is free
            var released = balance with { Leased = balance.Leased - amount, Posted = balance.Posted + charged };
            var actions = new List<TableTransactionAction>
            {
                CreditAccountTable.BalanceAction(accountId, released, etag),
                new(TableTransactionActionType.Delete, lease, lease.ETag),
            };
            foreach (var group in events.GroupBy(e => (Day: DateOnly.FromDateTime(e.OccurredAt.UtcDateTime), KeyId: e.KeyId ?? "", e.Model)))
            {
                var (totals, totalsEtag) = await UsageTotals.ReadAsync(credits.Table, accountId, group.Key.Day, group.Key.KeyId, group.Key.Model, cancellationToken);
                var updated = UsageTotals.Add(totals, group.Count(), group.Sum(e => e.PromptTokens), group.Sum(e => e.CompletionTokens), group.Sum(e => e.CostMicroUsdc));
                actions.Add(UsageTotals.Action(accountId, updated, totalsEtag));
            }

            var (outcome, _, _) = await credits.CommitAsync(actions, cancellationToken);
            if (outcome == CreditAccountTable.Commit.Done)
            {
                Log.LeaseExpired(logger, accountId, instance, amount, events.Count, charged);
                return true;
            }

            await CreditAccountTable.BackoffAsync(attempt, cancellationToken);
        }
    }

    /// <summary>The account's usage events in the instance's journal flushes after <paramref name="postedThrough"/>, and the last flush read.</summary>
    private async Task<(List<UsageEvent> Events, long Through)> JournaledAsync(string accountId, string instance, long postedThrough, CancellationToken cancellationToken)
    {
        var events = new List<UsageEvent>();
        var through = postedThrough;
        await foreach (var row in credits.Table.QueryAsync<TableEntity>(BillingJournal.FlushesAfter(instance, postedThrough), cancellationToken: cancellationToken))
        {
            events.AddRange(BillingJournal.ReadEvents(row).Where(e => e.AccountId == accountId));
            through = Math.Max(through, BillingJournal.SeqOf(row.RowKey));
        }

        return (events, through);
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

        [LoggerMessage(2421, LogLevel.Warning, "Lease of {AccountId} by {Instance} expired: {Amount} micro-USDC released, {Journaled} journaled charges posted ({Charged} micro-USDC) and their usage events sent")]
        public static partial void LeaseExpired(ILogger logger, string accountId, string instance, long amount, int journaled, long charged);
    }
}
