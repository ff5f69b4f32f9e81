using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Bourse.Telemetry;
using Bourse.Usage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// Admission from memory against a durable lease (escrow): this instance holds, per account it serves,
/// a lease row for a slice of the balance (the balance row's <c>Leased</c> is the sum of live leases, and
/// a grant is one ETag-checked transaction of both rows, so the leases of all instances never exceed the
/// balance). A call reserves its worst case from the lease under the account's lock, with no I/O; its
/// actual charge goes to a buffer that every <see cref="AccountsOptions.FlushInterval"/> is written as one
/// flush of this instance's <see cref="BillingJournal"/> (one transaction of its own partition, for all
/// accounts), whose usage events then go to the settlement queue. <see cref="SyncAsync"/> posts an
/// account's journaled charges in one transaction of the account's partition (balance, lease with the
/// flush seq posted through, usage totals) at most every <see cref="PostInterval"/>, or when the lease is
/// granted, renewed, topped up or released. A lease that stops being synced expires; the janitor then
/// posts what the journal holds beyond it and releases the rest (<see cref="CreditJanitor"/>). A crash
/// loses at most the charges not yet journaled: under-billing, never overspend.
/// </summary>
public sealed partial class CreditLeases(
    CreditAccountTable credits, DueIndex due, UsageEventPublisher publisher, IOptions<AccountsOptions> options, TimeProvider time, ILogger<CreditLeases> logger) : IDisposable
{
    /// <summary>Usage-total rows one account sync writes at most: with the balance and the lease, within the 100 rows of one transaction.</summary>
    private const int MaxGroupsPerSync = 90;

    /// <summary>Charges one flush of the journal takes at most (its rows stay well within a transaction's 4 MiB).</summary>
    private const int MaxChargesPerFlush = 2_000;

    /// <summary>Flush rows deleted in one journal transaction at most, with the new flush's rows.</summary>
    private const int MaxDeletesPerFlush = 80;

    /// <summary>An account with this many journaled charges is posted at once rather than waiting for <see cref="PostInterval"/>.</summary>
    private const int MaxJournaledPerAccount = 5_000;

    /// <summary>A lease is only worth taking when it covers at least this many calls like the one asking.</summary>
    private const int MinCallsPerLease = 2;

    /// <summary>A lease is never more than this share of what the balance has free, so other instances can lease too.</summary>
    private const int ShareOfAvailable = 2;

    private static readonly TimeSpan SpendHorizon = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan NoLeaseBackoff = TimeSpan.FromSeconds(1);

    /// <summary>Journaled charges of an account are posted to it at least this often (or sooner: a lease to renew or top up, GET /v1/credits).</summary>
    private static readonly TimeSpan PostInterval = TimeSpan.FromSeconds(1);

    /// <summary>With no flush to write, posted flush rows are deleted on their own after this long.</summary>
    private static readonly TimeSpan IdleDeleteAfter = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, AccountLease> _accounts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _journalGate = new(1, 1);
    private readonly Lock _journalLock = new();
    private readonly SortedDictionary<long, FlushState> _flushes = [];
    private readonly List<string> _toDelete = [];
    private readonly Lock _sendGate = new();
    private List<UsageEvent> _toSend = [];
    private long _toSendThrough;
    private long _sentThrough;
    private long _flushSeq;
    private long _confirmedSeq;
    private Flush? _unconfirmed;
    private DateTimeOffset _lastJournalWrite;

    /// <summary>This process's id on its lease rows: a restarted process is a new instance (the old one's leases expire).</summary>
    public string Instance { get; } = "i" + RandomNumberGenerator.GetHexString(16, lowercase: true);

    /// <summary>
    /// Reserves <paramref name="worstCase"/> from this instance's lease on the account, granting or
    /// topping the lease up first if needed (the only wait: the first call of an account, or a burst
    /// beyond the lease). Null: the account is served by exact holds (its free balance is too small to lease).
    /// </summary>
    public async ValueTask<LeaseTicket?> TryAdmitAsync(string accountId, string keyId, string requestId, long worstCase, CancellationToken cancellationToken)
    {
        var account = _accounts.GetOrAdd(accountId, id => new AccountLease(id));
        for (var round = 0; round < 3; round++)
        {
            Task sync;
            lock (account.Gate)
            {
                if (account.Retired)
                {
                    // Dropped as idle between the lookup and the lock: take the account's current state.
                    account = _accounts.GetOrAdd(accountId, id => new AccountLease(id));
                    round--;
                    continue;
                }

                var now = time.GetUtcNow();
                account.LastUsed = now;
                if (account.ValidUntil > now && account.Headroom >= worstCase)
                {
                    account.Reserved += worstCase;
                    account.LargestCall = Math.Max(account.LargestCall, worstCase);
                    var ticket = new LeaseTicket(accountId, keyId, requestId, worstCase, now);
                    account.InFlight[requestId] = ticket;
                    if (account.Headroom < account.LargestCall * MinCallsPerLease)
                    {
                        _ = StartSync(account); // top up in the background before it runs out
                    }

                    return ticket;
                }

                if (account.NoLeaseUntil > now)
                {
                    return null;
                }

                account.Wanted = Math.Max(account.Wanted, worstCase);
                sync = StartSync(account);
            }

            await sync.WaitAsync(cancellationToken);
        }

        return null;
    }

    /// <summary>Records the actual charge of an admitted call (at most what it reserved) for the next journal flush; no I/O.</summary>
    public long Complete(LeaseTicket ticket, long actual, UsageEvent usage)
    {
        var account = _accounts[ticket.AccountId];
        var charge = Math.Clamp(actual, 0, ticket.Reserved);
        lock (account.Gate)
        {
            account.Reserved -= ticket.Reserved;
            account.InFlight.Remove(ticket.RequestId);
            account.Unflushed += charge;
            account.Charges.Add(new Charge(ticket.KeyId, charge, usage with { CostMicroUsdc = charge, AccountId = ticket.AccountId, KeyId = ticket.KeyId }));
        }

        return charge;
    }

    /// <summary>Gives an admitted call's reservation back (it ended before anything was produced).</summary>
    public void Cancel(LeaseTicket ticket)
    {
        var account = _accounts[ticket.AccountId];
        lock (account.Gate)
        {
            account.Reserved -= ticket.Reserved;
            account.InFlight.Remove(ticket.RequestId);
        }
    }

    /// <summary>The calls in flight on this instance's lease of the account (what GET /v1/credits shows as open).</summary>
    public IReadOnlyList<LeaseTicket> InFlight(string accountId)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
        {
            return [];
        }

        lock (account.Gate)
        {
            return [.. account.InFlight.Values];
        }
    }

    /// <summary>Journals and posts this instance's charges of the account now (GET /v1/credits reads after it).</summary>
    public async Task FlushAsync(string accountId, CancellationToken cancellationToken)
    {
        if (!_accounts.TryGetValue(accountId, out var account))
        {
            return;
        }

        for (var round = 0; round < 3; round++) // a failing store leaves them buffered: the keeper retries
        {
            lock (account.Gate)
            {
                if (account.Charges.Count == 0 && account.Journaled.Count == 0)
                {
                    return;
                }
            }

            await JournalAsync(release: false, cancellationToken);
            Task sync;
            lock (account.Gate)
            {
                sync = StartSync(account);
            }

            await sync.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// One tick of the background keeper: journals every charge buffered since the last tick in one
    /// transaction of this instance's partition and sends their usage events, then syncs the accounts
    /// whose journaled charges are due to be posted (every <see cref="PostInterval"/>) or whose lease is to
    /// be renewed, topped up or released.
    /// </summary>
    public async Task TickAsync(bool releaseAll, CancellationToken cancellationToken)
    {
        await JournalAsync(releaseAll, cancellationToken);
        var now = time.GetUtcNow();
        var sentThrough = Interlocked.Read(ref _sentThrough);
        var syncs = new List<Task>();
        foreach (var account in _accounts.Values)
        {
            lock (account.Gate)
            {
                var renewal = account.Amount > 0 && now >= account.ExpiresAt - (options.Value.LeaseLifetime / 2);
                var idle = account.Amount > 0 && account.Reserved == 0 && (releaseAll || now - account.LastUsed > IdleRelease);
                var low = account.Amount > 0 && account.Headroom < account.LargestCall * MinCallsPerLease && now - account.LastUsed < IdleRelease && account.NoLeaseUntil <= now;
                var post = account.Journaled.Count > 0 && account.Journaled[0].Seq <= sentThrough
                    && (releaseAll || now - account.LastSync >= PostInterval || account.Journaled.Count >= MaxJournaledPerAccount);
                if (post || renewal || idle || low)
                {
                    syncs.Add(StartSync(account, releaseAll));
                }
            }
        }

        await Task.WhenAll(syncs);
        ForgetIdle(now);
    }

    public void Dispose() => _journalGate.Dispose();

    /// <summary>How many accounts this instance keeps lease state for (idle ones with nothing leased are forgotten).</summary>
    public int AccountsHeld => _accounts.Count;

    /// <summary>Drops the state of accounts idle for a while with nothing leased, reserved or left to write, so memory follows the active accounts.</summary>
    private void ForgetIdle(DateTimeOffset now)
    {
        foreach (var (id, account) in _accounts)
        {
            lock (account.Gate)
            {
                if (account.Amount == 0 && account.Reserved == 0 && account.Unflushed == 0 && account.Charges.Count == 0 && account.Journaled.Count == 0
                    && account.InFlight.Count == 0 && account.Sync is null or { IsCompleted: true } && now - account.LastUsed > 2 * IdleRelease)
                {
                    account.Retired = true;
                    _accounts.TryRemove(new KeyValuePair<string, AccountLease>(id, account));
                }
            }
        }
    }

    /// <summary>
    /// Writes the charges buffered since the last flush as one flush of the journal (one transaction of this
    /// instance's partition, which also deletes fully posted flush rows), then sends their usage events.
    /// A flush whose commit failed is retried as it was (same seq, same rows) before any new one, so no
    /// charge can sit in two flushes.
    /// </summary>
    private async Task JournalAsync(bool release, CancellationToken cancellationToken)
    {
        await _journalGate.WaitAsync(CancellationToken.None);
        try
        {
            await credits.EnsureTableAsync(CancellationToken.None);
            var flush = _unconfirmed ?? Prepare();
            var now = time.GetUtcNow();
            List<string> deletes;
            lock (_journalLock)
            {
                deletes = flush is null && !(release || now - _lastJournalWrite >= IdleDeleteAfter) ? [] : [.. _toDelete.Take(MaxDeletesPerFlush)];
            }

            if (flush is not null || deletes.Count > 0)
            {
                _unconfirmed = flush;
                if (!await CommitFlushAsync(flush, deletes))
                {
                    return; // kept as unconfirmed: retried next time
                }

                _unconfirmed = null;
                _lastJournalWrite = now;
                lock (_journalLock)
                {
                    _toDelete.RemoveAll(deletes.Contains);
                }

                if (flush is not null)
                {
                    Confirm(flush);
                }
            }

            await SendAsync(cancellationToken);
        }
        finally
        {
            _journalGate.Release();
        }
    }

    /// <summary>Takes the buffered charges of every account (those of one account within what one account sync can post) into a new flush.</summary>
    private Flush? Prepare()
    {
        var taken = new List<(AccountLease Account, int Count)>();
        var events = new List<UsageEvent>();
        foreach (var account in _accounts.Values)
        {
            lock (account.Gate)
            {
                var groups = new HashSet<(DateOnly, string, string)>();
                var count = 0;
                foreach (var charge in account.Charges)
                {
                    if (events.Count >= MaxChargesPerFlush || (!groups.Contains(GroupOf(charge)) && groups.Count >= MaxGroupsPerSync))
                    {
                        break;
                    }

                    groups.Add(GroupOf(charge));
                    events.Add(charge.Event);
                    count++;
                }

                if (count > 0)
                {
                    taken.Add((account, count));
                }
            }
        }

        if (events.Count == 0)
        {
            return null;
        }

        var seq = ++_flushSeq;
        return new Flush(seq, taken, events, BillingJournal.FlushRows(Instance, seq, events));
    }

    private async Task<bool> CommitFlushAsync(Flush? flush, List<string> deletes)
    {
        var started = time.GetTimestamp();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var actions = new List<TableTransactionAction>();
            if (flush is not null)
            {
                actions.AddRange(flush.Rows.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)));
            }

            var first = actions.Count;
            actions.AddRange(deletes.Select(d => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(BillingJournal.Partition(Instance), d), ETag.All)));
            if (actions.Count == 0)
            {
                return true;
            }

            try
            {
                var (outcome, failed, _) = await credits.CommitAsync(actions, CancellationToken.None);
                if (outcome == CreditAccountTable.Commit.Done)
                {
                    BourseTelemetry.Flushes.Add(1);
                    BourseTelemetry.FlushedCharges.Add(flush?.Events.Count ?? 0);
                    Log.Journaled(logger, flush?.Seq ?? 0, flush?.Events.Count ?? 0, deletes.Count, time.GetElapsedTime(started).TotalMilliseconds);
                    return true;
                }

                if (outcome == CreditAccountTable.Commit.Missing && failed >= first)
                {
                    // Deleted already (an earlier commit whose answer was lost): drop it and commit the rest.
                    var gone = deletes[failed - first];
                    deletes.RemoveAt(failed - first);
                    lock (_journalLock)
                    {
                        _toDelete.Remove(gone);
                    }

                    continue;
                }

                deletes.Clear(); // anything else: the deletes can wait, the flush cannot
            }
            catch (Exception e) when (e is RequestFailedException or TimeoutException or OperationCanceledException)
            {
                Log.JournalFailed(logger, e);
                return false;
            }
        }

        return false;
    }

    /// <summary>A committed flush: its charges move from the accounts' buffers to their journaled charges.</summary>
    private void Confirm(Flush flush)
    {
        foreach (var (account, count) in flush.Taken)
        {
            lock (account.Gate)
            {
                account.Journaled.AddRange(account.Charges.Take(count).Select(c => (flush.Seq, c)));
                account.Charges.RemoveRange(0, count);
            }
        }

        Interlocked.Exchange(ref _confirmedSeq, flush.Seq); // after every account's part: a sync reading it sees them journaled
        lock (_journalLock)
        {
            _flushes[flush.Seq] = new FlushState([.. flush.Taken.Select(t => t.Account.AccountId)], [.. flush.Rows.Select(r => r.RowKey)]);
        }

        lock (_sendGate)
        {
            _toSend.AddRange(flush.Events);
            _toSendThrough = flush.Seq;
        }
    }

    private Task StartSync(AccountLease account, bool release = false)
    {
        // Under account.Gate: one sync at a time per account; callers share the running one.
        if (account.Sync is { IsCompleted: false } running)
        {
            return running;
        }

        return account.Sync = Task.Run(async () =>
        {
            try
            {
                await SyncAsync(account, release);
            }
            catch (Exception e)
            {
                Log.SyncFailed(logger, account.AccountId, e);
                lock (account.Gate)
                {
                    account.NoLeaseUntil = time.GetUtcNow() + NoLeaseBackoff;
                    account.Cached = null; // read everything again next time
                }
            }
        });
    }

    /// <summary>
    /// One transaction of the account's partition: posts the account's journaled charges whose events were
    /// sent (the balance, the usage totals, and the lease row's <c>PostedThrough</c>, so each flush is posted
    /// once), renews the lease and tops it up from recent spend, or releases it when idle.
    /// </summary>
    private async Task SyncAsync(AccountLease account, bool release)
    {
        var started = time.GetTimestamp();
        using var activity = BourseTelemetry.Source.StartActivity("bourse.credits.lease_sync");
        await credits.EnsureTableAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        bool hasJournaled;
        lock (account.Gate)
        {
            hasJournaled = account.Journaled.Count > 0;
        }

        var rows = account.Cached ??= await ReadRowsAsync(account.AccountId, [], now);
        if (rows.Lease is null && hasJournaled)
        {
            // The lease is gone while charges of it are journaled: a janitor took this instance for dead and
            // posted what the journal held up to the seq it left; those are dropped here, not posted twice.
            await DropPostedByJanitorAsync(account);
        }

        long seq;
        List<Charge> charges;
        long reserved, restUnflushed, wanted, largest, postedThrough;
        bool idle;
        var sentThrough = Interlocked.Read(ref _sentThrough);
        lock (account.Gate)
        {
            seq = ++account.Seq;
            var postable = Postable(account.Journaled, sentThrough);
            charges = [.. postable.Select(j => j.Charge)];
            // Every charge of the account in a flush up to this one is posted once this sync commits.
            postedThrough = account.Journaled.Count > postable.Count ? account.Journaled[postable.Count].Seq - 1 : Interlocked.Read(ref _confirmedSeq);
            postedThrough = Math.Max(postedThrough, account.PostedThrough);
            reserved = account.Reserved;
            restUnflushed = account.Unflushed - charges.Sum(c => c.Amount);
            wanted = account.Wanted;
            largest = Math.Max(account.LargestCall, wanted);
            idle = reserved == 0 && restUnflushed == 0 && (release || now - account.LastUsed > IdleRelease);
            account.Wanted = 0;
        }

        var sum = charges.Sum(c => c.Amount);
        var spendRate = account.SpendPerSecond;
        for (var attempt = 0; ; attempt++)
        {
            rows = account.Cached ??= await ReadRowsAsync(account.AccountId, charges, now);
            await EnsureTotalsAsync(account.AccountId, rows, charges, now);
            var (balance, balanceEtag) = rows.Balance;
            if (balanceEtag is null && sum == 0)
            {
                // No balance row: nothing deposited, nothing to lease.
                lock (account.Gate)
                {
                    account.NoLeaseUntil = now + NoLeaseBackoff;
                }

                return;
            }

            // The lease as stored (a lease the janitor released is gone: its charges go straight to the balance).
            var leased = rows.Lease?.GetInt64("Amount") ?? 0;
            var charged = Math.Min(sum, leased + Math.Max(0, balance.Available)); // beyond the lease only what is free: never overspend
            var afterCharges = leased - Math.Min(charged, leased);
            var free = afterCharges - reserved - restUnflushed;
            long grant = 0;
            if (!idle)
            {
                var desired = Math.Max(largest * MinCallsPerLease * 4, (long)(spendRate * SpendHorizon.TotalSeconds)) + wanted;
                var affordable = Math.Max(0, balance.Available - (charged - Math.Min(charged, leased))) / ShareOfAvailable;
                grant = Math.Min(Math.Max(0, desired - free), affordable);
                if (free < wanted && free + grant < wanted * MinCallsPerLease)
                {
                    grant = 0; // too small to lease: this account is served by exact holds for a while
                }
            }

            var amount = idle ? 0 : afterCharges + grant;
            var postedBeyondLease = charged - Math.Min(charged, leased);
            var nextBalance = balance with
            {
                Posted = balance.Posted + charged,
                Leased = balance.Leased - Math.Min(charged, leased) + grant - (idle ? afterCharges : 0),
            };
            var expiresAt = now + options.Value.LeaseLifetime;
            var actions = new List<TableTransactionAction>();
            if (balanceEtag is not null && (charged != 0 || grant != 0 || idle))
            {
                actions.Add(CreditAccountTable.BalanceAction(account.AccountId, nextBalance, balanceEtag));
            }

            var leaseRow = new TableEntity(account.AccountId, LeaseRows.Row(Instance))
            {
                ["Amount"] = amount, ["ExpiresAt"] = expiresAt, ["Seq"] = seq, ["Instance"] = Instance, ["PostedThrough"] = postedThrough,
            };
            var keepLease = amount > 0 || restUnflushed > 0; // unposted journaled charges keep the row: the janitor starts from it
            var deleteLease = !keepLease && rows.Lease is not null;
            if (rows.Lease is { } existing)
            {
                actions.Add(deleteLease
                    ? new TableTransactionAction(TableTransactionActionType.Delete, existing, existing.ETag)
                    : new TableTransactionAction(TableTransactionActionType.UpdateReplace, leaseRow, existing.ETag));
            }
            else if (keepLease)
            {
                // A new lease row: indexed by its expiry first, so the janitor finds it if this instance dies.
                await due.AddAsync(LeaseRows.DueKind, expiresAt, account.AccountId + "|" + Instance, CancellationToken.None);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, leaseRow));
            }

            foreach (var group in charges.GroupBy(GroupOf))
            {
                var (totals, etag) = rows.Totals[group.Key];
                var updated = UsageTotals.Add(totals, group.Count(), group.Sum(c => c.Event.PromptTokens), group.Sum(c => c.Event.CompletionTokens), group.Sum(c => c.Amount));
                rows.Totals[group.Key] = (updated, etag);
                actions.Add(UsageTotals.Action(account.AccountId, updated, etag));
            }

            if (actions.Count == 0)
            {
                return;
            }

            var (outcome, _, responses) = await credits.CommitAsync(actions, CancellationToken.None);
            if (outcome == CreditAccountTable.Commit.Done)
            {
                // The ETags of what was written: the next sync needs no read while no one else writes.
                var i = 0;
                var newBalanceEtag = balanceEtag;
                if (balanceEtag is not null && (charged != 0 || grant != 0 || idle))
                {
                    newBalanceEtag = responses![i++].Headers.ETag;
                }

                TableEntity? newLease = null;
                if (!deleteLease && (rows.Lease is not null || keepLease))
                {
                    leaseRow.ETag = responses![i++].Headers.ETag ?? default;
                    newLease = leaseRow;
                }
                else if (rows.Lease is not null)
                {
                    i++;
                }

                foreach (var key in charges.Select(GroupOf).Distinct())
                {
                    rows.Totals[key] = (rows.Totals[key].Totals, responses![i++].Headers.ETag);
                }

                var etagsKnown = (balanceEtag is null || newBalanceEtag is not null) && (newLease is null || leaseRow.ETag != default) && rows.Totals.Values.All(t => t.ETag is not null);
                account.Cached = etagsKnown ? rows with { Balance = (nextBalance, newBalanceEtag), Lease = newLease } : null;
                lock (account.Gate)
                {
                    account.Amount = amount;
                    Posted(account, charges.Count, sum, postedThrough);
                    account.ExpiresAt = expiresAt;
                    account.ValidUntil = amount > 0 ? expiresAt - options.Value.LeaseMargin : DateTimeOffset.MinValue;
                    account.NoLeaseUntil = !idle && amount - reserved - account.Unflushed < Math.Max(wanted, 1) ? now + NoLeaseBackoff : DateTimeOffset.MinValue;
                    var seconds = Math.Max(0.1, (now - account.LastSync).TotalSeconds);
                    account.SpendPerSecond = (account.SpendPerSecond * 0.7) + (0.3 * sum / seconds);
                    account.LastSync = now;
                }

                if (grant != 0 || idle)
                {
                    BourseTelemetry.LeaseWrites.Add(1);
                }

                if (postedBeyondLease > 0 || charged < sum)
                {
                    Log.ChargedOutsideLease(logger, account.AccountId, sum, charged);
                }

                activity?.SetTag("charges", charges.Count);
                activity?.SetTag("granted", grant);
                activity?.SetTag("attempts", attempt + 1);
                Log.Synced(logger, account.AccountId, charges.Count, charged, grant, amount, time.GetElapsedTime(started).TotalMilliseconds);
                return;
            }

            // Someone else wrote the balance (a deposit, another instance) or our answer was lost: read again.
            var fresh = await ReadRowsAsync(account.AccountId, charges, now);
            if (fresh.Lease?.GetInt64("Seq") == seq)
            {
                // It committed; only its answer was lost. Take the stored rows as they are.
                account.Cached = fresh;
                lock (account.Gate)
                {
                    account.Amount = fresh.Lease.GetInt64("Amount") ?? 0;
                    Posted(account, charges.Count, sum, postedThrough);
                    account.ExpiresAt = expiresAt;
                    account.ValidUntil = account.Amount > 0 ? expiresAt - options.Value.LeaseMargin : DateTimeOffset.MinValue;
                    account.LastSync = now;
                }

                return;
            }

            account.Cached = fresh;
            if (fresh.Lease is null && charges.Count > 0)
            {
                return; // the lease was released by a janitor meanwhile: the next sync starts from what it posted
            }

            await CreditAccountTable.BackoffAsync(attempt, CancellationToken.None);
        }
    }

    /// <summary>The account's journaled charges whose events were sent, whole flushes only, within the usage-total rows one transaction can write.</summary>
    private static List<(long Seq, Charge Charge)> Postable(List<(long Seq, Charge Charge)> journaled, long sentThrough)
    {
        var postable = new List<(long Seq, Charge Charge)>();
        var groups = new HashSet<(DateOnly, string, string)>();
        for (var i = 0; i < journaled.Count && journaled[i].Seq <= sentThrough;)
        {
            var seq = journaled[i].Seq;
            var flush = journaled.Skip(i).TakeWhile(j => j.Seq == seq).ToList();
            var added = flush.Select(j => GroupOf(j.Charge)).Where(g => !groups.Contains(g)).Distinct().ToList();
            if (postable.Count > 0 && groups.Count + added.Count > MaxGroupsPerSync)
            {
                break; // the next sync posts the rest (a flush alone never exceeds it)
            }

            groups.UnionWith(added);
            postable.AddRange(flush);
            i += flush.Count;
        }

        return postable;
    }

    /// <summary>Under the account's lock: its first <paramref name="count"/> journaled charges are posted (through flush <paramref name="through"/>).</summary>
    private void Posted(AccountLease account, int count, long sum, long through)
    {
        account.Journaled.RemoveRange(0, count);
        account.Unflushed -= sum;
        account.PostedThrough = Math.Max(account.PostedThrough, through);
        lock (_journalLock)
        {
            foreach (var (flushSeq, flush) in _flushes.Where(f => f.Key <= through).ToList())
            {
                flush.Accounts.Remove(account.AccountId);
                if (flush.Accounts.Count == 0)
                {
                    _flushes.Remove(flushSeq);
                    _toDelete.AddRange(flush.RowKeys);
                }
            }
        }
    }

    /// <summary>Drops the journaled charges of the account a janitor posted (its <c>posted|</c> row in this instance's journal).</summary>
    private async Task DropPostedByJanitorAsync(AccountLease account)
    {
        var marker = await credits.Table.GetEntityIfExistsAsync<TableEntity>(BillingJournal.Partition(Instance), BillingJournal.PostedRow(account.AccountId));
        if (!marker.HasValue || marker.Value!.GetInt64("PostedThrough") is not { } through)
        {
            return;
        }

        lock (account.Gate)
        {
            var dropped = account.Journaled.TakeWhile(j => j.Seq <= through).ToList();
            if (dropped.Count > 0)
            {
                Posted(account, dropped.Count, dropped.Sum(j => j.Charge.Amount), through);
                Log.PostedByJanitor(logger, account.AccountId, dropped.Count, through);
            }
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        List<UsageEvent> batch;
        long through;
        lock (_sendGate)
        {
            batch = _toSend;
            through = _toSendThrough;
            _toSend = [];
        }

        if (batch.Count > 0)
        {
            try
            {
                await publisher.PublishManyAsync(batch, cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or OperationCanceledException)
            {
                Log.SendFailed(logger, batch.Count, e);
                lock (_sendGate)
                {
                    _toSend.InsertRange(0, batch); // the journal still holds them; try again next tick
                }

                return;
            }
        }

        if (through > Interlocked.Read(ref _sentThrough))
        {
            Interlocked.Exchange(ref _sentThrough, through); // their flushes may now be posted to the accounts
        }
    }

    private static (DateOnly Day, string KeyId, string Model) GroupOf(Charge c) => (DateOnly.FromDateTime(c.Event.OccurredAt.UtcDateTime), c.KeyId, c.Event.Model);

    private async Task<Rows> ReadRowsAsync(string accountId, List<Charge> charges, DateTimeOffset now)
    {
        var balance = credits.ReadBalanceAsync(accountId, CancellationToken.None);
        var lease = credits.Table.GetEntityIfExistsAsync<TableEntity>(accountId, LeaseRows.Row(Instance));
        await Task.WhenAll(balance, lease);
        var rows = new Rows(balance.Result, lease.Result.HasValue ? lease.Result.Value : null, []);
        await EnsureTotalsAsync(accountId, rows, charges, now);
        return rows;
    }

    private async Task EnsureTotalsAsync(string accountId, Rows rows, List<Charge> charges, DateTimeOffset now)
    {
        var missing = charges.Select(GroupOf).Distinct().Where(k => !rows.Totals.ContainsKey(k)).ToList();
        var reads = await Task.WhenAll(missing.Select(k => UsageTotals.ReadAsync(credits.Table, accountId, k.Day, k.KeyId, k.Model, CancellationToken.None)));
        for (var i = 0; i < missing.Count; i++)
        {
            rows.Totals[missing[i]] = reads[i];
        }

        // Old days' rows are done with.
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        foreach (var old in rows.Totals.Keys.Where(k => k.Day < today.AddDays(-1)).ToList())
        {
            rows.Totals.Remove(old);
        }
    }

    /// <summary>A flush being written: its seq, how many buffered charges of each account it took, their events and its rows.</summary>
    private sealed record Flush(long Seq, List<(AccountLease Account, int Count)> Taken, List<UsageEvent> Events, List<TableEntity> Rows);

    /// <summary>A committed flush: the accounts that have not posted it yet, and its rows (deleted once none is left).</summary>
    private sealed record FlushState(HashSet<string> Accounts, List<string> RowKeys);

    private sealed record Charge(string KeyId, long Amount, UsageEvent Event);

    /// <summary>The stored rows a sync writes, with their ETags, as this instance last wrote or read them.</summary>
    private sealed record Rows((CreditBalance Balance, ETag? ETag) Balance, TableEntity? Lease, Dictionary<(DateOnly Day, string KeyId, string Model), (UsageSummary Totals, ETag? ETag)> Totals);

    private sealed class AccountLease(string accountId)
    {
        public string AccountId { get; } = accountId;

        public Lock Gate { get; } = new();

        /// <summary>The lease as last committed (what the lease row says).</summary>
        public long Amount { get; set; }

        public long Reserved { get; set; }

        public long Unflushed { get; set; }

        public long Headroom => Amount - Reserved - Unflushed;

        public long Wanted { get; set; }

        public long LargestCall { get; set; }

        public double SpendPerSecond { get; set; }

        public long Seq { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }

        public DateTimeOffset ValidUntil { get; set; }

        public DateTimeOffset NoLeaseUntil { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        public DateTimeOffset LastSync { get; set; }

        /// <summary>Charges not journaled yet (what a crash can lose).</summary>
        public List<Charge> Charges { get; } = [];

        /// <summary>Charges in committed flushes of the journal, not posted to the account yet, in seq order.</summary>
        public List<(long Seq, Charge Charge)> Journaled { get; } = [];

        /// <summary>The last flush seq whose charges of this account are posted (the lease row's <c>PostedThrough</c>).</summary>
        public long PostedThrough { get; set; }

        public Dictionary<string, LeaseTicket> InFlight { get; } = new(StringComparer.Ordinal);

        public Task? Sync { get; set; }

        public Rows? Cached { get; set; }

        /// <summary>Forgotten as idle: a caller holding this instance looks the account up again.</summary>
        public bool Retired { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(2400, LogLevel.Debug, "Lease sync {AccountId}: {Charges} charges ({Charged} micro-USDC), granted {Granted}, lease now {Amount}, {Ms} ms")]
        public static partial void Synced(ILogger logger, string accountId, int charges, long charged, long granted, long amount, double ms);

        [LoggerMessage(2401, LogLevel.Warning, "Lease sync {AccountId} failed; its charges stay buffered and are retried")]
        public static partial void SyncFailed(ILogger logger, string accountId, Exception exception);

        [LoggerMessage(2402, LogLevel.Warning, "Lease of {AccountId} was gone (expired): {Wanted} micro-USDC of charges were posted as {Charged} against what the balance had free")]
        public static partial void ChargedOutsideLease(ILogger logger, string accountId, long wanted, long charged);

        [LoggerMessage(2403, LogLevel.Warning, "Sending {Count} usage events to the settlement queue failed; retrying next tick (the journal keeps them)")]
        public static partial void SendFailed(ILogger logger, int count, Exception exception);

        [LoggerMessage(2404, LogLevel.Debug, "Journal flush {Seq}: {Charges} charges, {Deleted} posted rows deleted, {Ms} ms")]
        public static partial void Journaled(ILogger logger, long seq, int charges, int deleted, double ms);

        [LoggerMessage(2405, LogLevel.Warning, "Journal flush failed; its charges stay buffered and the same flush is retried")]
        public static partial void JournalFailed(ILogger logger, Exception exception);

        [LoggerMessage(2406, LogLevel.Warning, "Lease of {AccountId} was released by the janitor, which posted {Charges} journaled charges through flush {Seq}: not posted again")]
        public static partial void PostedByJanitor(ILogger logger, string accountId, int charges, long seq);
    }
}
