using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Accounts;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Routing;

/// <summary>The credit ledger and usage outbox on Azurite, and key limits through the API.</summary>
public sealed class CreditsLedgerTests
{
    private static readonly HttpClient Http = new();
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow());
    private readonly TableServiceClient _tables = new(LocalStack.Instance.Storage);
    private readonly DueIndex _due;

    public CreditsLedgerTests() => _due = new DueIndex(_tables, _time, "DueTest" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task PlaceAsync_TwoHundredParallelHolds_NeverReserveMoreThanDeposited()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 30_000, CancellationToken.None);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            holds.PlaceAsync(account, "k", $"h{i}", "hash", 100 + (i % 7 * 50), CancellationToken.None)));
        var placed = Enumerable.Range(0, 200).Where(i => results[i].Outcome == HoldOutcome.Placed).Sum(i => 100 + (i % 7 * 50));
        var balance = await Accounts.GetBalanceAsync(account, CancellationToken.None);

        Assert.InRange(placed, 29_000, 30_000);
        Assert.Equal(placed, balance.Pending);
        Assert.Contains(results, r => r.Outcome == HoldOutcome.InsufficientCredits);
    }

    [Fact]
    public async Task PostAsync_ActualAboveWhatIsLeft_ChargesAtMostTheDeposits()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 1_000, CancellationToken.None);
        await holds.PlaceAsync(account, "k", "h1", "x", 600, CancellationToken.None);
        await holds.PlaceAsync(account, "k", "h2", "y", 400, CancellationToken.None);

        var first = await holds.PostAsync(account, "h1", 900, CancellationToken.None);
        var second = await holds.PostAsync(account, "h2", 900, CancellationToken.None);
        var again = await holds.PostAsync(account, "h1", 5, CancellationToken.None);
        var balance = await Accounts.GetBalanceAsync(account, CancellationToken.None);

        Assert.Equal(600 + 0, first.ChargedMicroUsdc); // 900 wanted; only its own 600 + 0 free credits were there
        Assert.Equal(400, second.ChargedMicroUsdc);
        Assert.True(again.AlreadyPosted);
        Assert.Equal(new CreditBalance(1_000, 0, 1_000), balance);
    }

    [Fact]
    public async Task PostAsync_ActualAboveTheHold_ChargesNoMoreThanTheHold()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 10_000, CancellationToken.None);
        await holds.PlaceAsync(account, "k", "h1", "x", 23, CancellationToken.None);

        var posted = await holds.PostAsync(account, "h1", 27, CancellationToken.None);

        Assert.Equal(23, posted.ChargedMicroUsdc);
        Assert.Equal(new CreditBalance(10_000, 0, 23), await Accounts.GetBalanceAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task PlaceAsync_SameHoldIdAfterItWasVoided_RunsAgain()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 10_000, CancellationToken.None);
        await holds.PlaceAsync(account, "k", "idem_h", "hash", 500, CancellationToken.None);
        await holds.VoidAsync(account, "idem_h", CancellationToken.None, "k");

        var other = await holds.PlaceAsync(account, "k", "idem_h", "other", 500, CancellationToken.None);
        var retry = await holds.PlaceAsync(account, "k", "idem_h", "hash", 500, CancellationToken.None);
        var posted = await holds.PostAsync(account, "idem_h", 300, CancellationToken.None, keyId: "k");
        var after = await holds.PlaceAsync(account, "k", "idem_h", "hash", 500, CancellationToken.None);

        Assert.Equal(HoldOutcome.KeyReusedWithDifferentRequest, other.Outcome);
        Assert.Equal(HoldOutcome.Placed, retry.Outcome);
        Assert.Equal(300, posted.ChargedMicroUsdc);
        Assert.Equal(HoldOutcome.AlreadyPosted, after.Outcome);
        Assert.Equal(new CreditBalance(10_000, 0, 300), await Accounts.GetBalanceAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task OpenHoldsAsync_ListsExactlyThePendingHolds_AndAHoldWithoutItsOpenRowStillFinishes()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 10_000, CancellationToken.None);
        foreach (var (id, amount) in new[] { ("h1", 100L), ("h2", 200L), ("h3", 300L), ("h4", 400L) })
        {
            await holds.PlaceAsync(account, id == "h4" ? "k2" : "k1", id, id, amount, CancellationToken.None);
        }

        await holds.PostAsync(account, "h1", 50, CancellationToken.None);
        await holds.VoidAsync(account, "h2", CancellationToken.None, keyId: "k1");
        await _tables.GetTableClient(TableNames.CreditAccounts).DeleteEntityAsync(account, "open|h3"); // as if placed before open rows existed
        var open = await Accounts.OpenHoldsAsync(account, CancellationToken.None);
        var finished = await holds.PostAsync(account, "h3", 300, CancellationToken.None, keyId: "k1");

        var only = Assert.Single(open);
        Assert.Equal(("h4", "k2", 400L), (only.Id, only.KeyId, only.Amount));
        Assert.Equal((300L, false), (finished.ChargedMicroUsdc, finished.AlreadyPosted));
        Assert.Equal(new CreditBalance(10_000, 400, 350), await Accounts.GetBalanceAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task UsageAsync_ChargesByDayKeyAndModel_CountedOnceInTheChargesTransaction()
    {
        var holds = Holds();
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 1_000_000, CancellationToken.None);
        UsageEvent Used(long charged, int prompt, int completion, string model) =>
            new("evt_" + Guid.NewGuid().ToString("N"), UsageEvent.CreditsRail, model, "p/m", prompt, completion, false, charged, "req", _time.GetUtcNow(), account);
        for (var i = 0; i < 6; i++)
        {
            var key = i % 3 == 0 ? "k2" : "k1";
            var model = i < 3 ? "m" : "org/n"; // a '/' cannot be in a row key
            await holds.PlaceAsync(account, key, $"h{i}", "x", 10_000, CancellationToken.None);
            await holds.PostAsync(account, $"h{i}", 1_000 + i, CancellationToken.None, charged => Used(charged, 10 * i, i, model), keyId: i % 2 == 0 ? key : null,
                model: i % 2 == 0 ? model : null);
        }

        await holds.PostAsync(account, "h0", 5, CancellationToken.None, charged => Used(charged, 99, 99, "m")); // a retried post: not counted again
        await holds.PlaceAsync(account, "k1", "void", "x", 10_000, CancellationToken.None);
        await holds.VoidAsync(account, "void", CancellationToken.None, "k1");
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        var usage = await Accounts.UsageAsync(account, today.AddDays(-1), today, CancellationToken.None);
        var yesterday = await Accounts.UsageAsync(account, today.AddDays(-3), today.AddDays(-1), CancellationToken.None);

        Assert.Equal(
            [
                new UsageSummary(today, "k1", 2, 10 + 20, 1 + 2, 1_001 + 1_002, "m"), new UsageSummary(today, "k1", 2, 40 + 50, 4 + 5, 1_004 + 1_005, "org/n"),
                new UsageSummary(today, "k2", 1, 0, 0, 1_000, "m"), new UsageSummary(today, "k2", 1, 30, 3, 1_003, "org/n"),
            ],
            usage);
        Assert.Empty(yesterday);
    }

    [Fact]
    public async Task DepositAsync_SameDepositIdTwice_CountsOnce()
    {
        var holds = Holds();
        var account = Account();

        await Accounts.DepositAsync(account, "same", 700, CancellationToken.None);
        await Accounts.DepositAsync(account, "same", 700, CancellationToken.None);

        Assert.Equal(700, (await Accounts.GetBalanceAsync(account, CancellationToken.None)).Deposited);
    }

    [Fact]
    public async Task ExpireAsync_PendingHoldPastItsLifetime_IsReleased()
    {
        // A one-minute lifetime and two minutes on the clock: holds of calls running elsewhere on the
        // stack (fifteen-minute lifetimes) stay untouched.
        var holds = Holds(TimeSpan.FromMinutes(1));
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 1_000, CancellationToken.None);
        await holds.PlaceAsync(account, "k", "orphan", "x", 800, CancellationToken.None);

        _time.Advance(TimeSpan.FromMinutes(2));
        await Janitor(holds).ExpireHoldsAsync(CancellationToken.None);

        Assert.Equal(new CreditBalance(1_000, 0, 0), await Accounts.GetBalanceAsync(account, CancellationToken.None));
    }

    [Fact]
    public async Task Outbox_CrashAfterTheChargeBeforeTheSend_ResendDeliversTheEventOnce()
    {
        var holds = Holds();
        var account = Account();
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var holdId = "h_" + Guid.NewGuid().ToString("N");
        await Accounts.DepositAsync(account, "d1", 1_000, CancellationToken.None);
        await holds.PlaceAsync(account, "k", holdId, "x", 500, CancellationToken.None);
        var eventId = UsageEventIds.Credits(holdId);

        // The charge and its event commit together; the process "dies" before FlushAsync.
        await holds.PostAsync(account, holdId, 321, CancellationToken.None, charged => new UsageEvent(
            eventId, UsageEvent.CreditsRail, "m", "p/m", 10, 20, false, charged, "req", _time.GetUtcNow(), account));
        _time.Advance(TimeSpan.FromMinutes(16)); // the hold's expiry falls due: the janitor finds the unsent event through it
        var sent = await Janitor(holds, queues).ExpireHoldsAsync(CancellationToken.None);
        var left = await _tables.GetTableClient(TableNames.CreditAccounts).GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(account, "outbox|" + eventId);

        Assert.True(sent >= 1, "the orphaned event was sent");
        Assert.False(left.HasValue, "a sent event leaves the outbox, so it is not sent again");
        // The stack's settlement function consumes the queue: the event must reach the ledger, with the charge.
        var posted = await Bourse.Tests.Settlement.PostedEvents.FindAsync("m", p => p.Event.EventId == eventId);
        Assert.NotNull(posted);
        Assert.Equal(321, posted.Posting.Split.Gross);
    }

    [Fact]
    public async Task Key_RequestsPerMinuteLimit_429WithRetryAfter()
    {
        var account = await TestAccount.CreateAsync(rpmLimit: 2);

        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add(await SendAsync(account));
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses.Select(s => s.StatusCode));
        Assert.NotNull(statuses[2].Headers.RetryAfter);
    }

    [Fact]
    public async Task Key_SpendCapReached_429BeforeAnyUpstreamCall()
    {
        var account = await TestAccount.CreateAsync(spendCapMicroUsdc: 50);

        using var response = await SendAsync(account);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("key_spend_cap_reached", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKey_IsStoredAsAKeyedHashNeverInClear()
    {
        var account = await TestAccount.CreateAsync(depositMicroUsdc: 0);
        var table = _tables.GetTableClient(TableNames.ApiKeys);

        var rows = new List<TableEntity>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        Assert.Contains(rows, r => r.PartitionKey == account.AccountId);
        Assert.DoesNotContain(rows, r => ((IDictionary<string, object>)r).Values.Any(v => v?.ToString()?.Contains(account.ApiKey[8..], StringComparison.Ordinal) == true) || r.RowKey.Contains(account.ApiKey[8..], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Leases_IdleAccount_IsReleasedThenForgotten_AndServedAgainFromAFreshLease()
    {
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 1_000_000, CancellationToken.None);
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var leases = new CreditLeases(new CreditAccountTable(_tables), _due, new UsageEventPublisher(queues),
            Options.Create(new AccountsOptions { KeyPepper = new string('p', 32) }), _time, NullLogger<CreditLeases>.Instance);
        UsageEvent Usage(string id) => new(id, UsageEvent.CreditsRail, "m", "p/m", 1, 1, false, 0, id, _time.GetUtcNow(), account);

        var first = await leases.TryAdmitAsync(account, "k", "r1", 1_000, CancellationToken.None);
        leases.Complete(first!, 700, Usage("lease_r1"));
        await leases.TickAsync(releaseAll: false, CancellationToken.None); // the charge is written
        _time.Advance(TimeSpan.FromSeconds(30));
        await leases.TickAsync(releaseAll: false, CancellationToken.None); // idle: the lease goes back to the balance
        var held = leases.AccountsHeld;
        _time.Advance(TimeSpan.FromSeconds(30));
        await leases.TickAsync(releaseAll: false, CancellationToken.None); // idle with nothing leased: forgotten
        var forgotten = leases.AccountsHeld;
        var second = await leases.TryAdmitAsync(account, "k", "r2", 1_000, CancellationToken.None);
        leases.Complete(second!, 300, Usage("lease_r2"));
        await leases.FlushAsync(account, CancellationToken.None);
        var (balance, _) = await new CreditAccountTable(_tables).ReadBalanceAsync(account, CancellationToken.None);

        Assert.Equal((1, 0), (held, forgotten));
        Assert.NotNull(second);
        Assert.Equal(1_000, balance.Posted); // both charges, each once
        Assert.True(balance.Leased > 0, "the second call was served from a new lease");
    }

    [Fact]
    public async Task Journal_CrashBetweenAFlushAndTheAccountSync_JanitorPostsTheJournaledChargesOnce()
    {
        var account = Account();
        await Accounts.DepositAsync(account, "d1", 1_000_000, CancellationToken.None);
        var table = new CreditAccountTable(_tables);
        var leases = Leases();
        UsageEvent Usage(string id, int prompt) => new(id, UsageEvent.CreditsRail, "m", "p/m", prompt, 2, false, 0, id, _time.GetUtcNow(), account);
        var day = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

        var first = await leases.TryAdmitAsync(account, "k", "r1", 1_000, CancellationToken.None);
        leases.Complete(first!, 700, Usage("lease_r1", 10));
        _time.Advance(TimeSpan.FromSeconds(1));
        await leases.TickAsync(releaseAll: false, CancellationToken.None); // journaled, then posted (a second after the lease's grant)
        var second = await leases.TryAdmitAsync(account, "k", "r2", 1_000, CancellationToken.None);
        leases.Complete(second!, 300, Usage("lease_r2", 5));
        _time.Advance(TimeSpan.FromMilliseconds(100));
        await leases.TickAsync(releaseAll: false, CancellationToken.None); // journaled; the account is posted to once a second
        var (beforeCrash, _) = await table.ReadBalanceAsync(account, CancellationToken.None);

        // The instance stops here (a crash: nothing more is written); its lease expires and the janitor runs.
        _time.Advance(TimeSpan.FromSeconds(61));
        await Janitor(Holds()).ExpireLeasesAsync(CancellationToken.None);
        var (afterJanitor, _) = await table.ReadBalanceAsync(account, CancellationToken.None);
        var lease = await table.Table.GetEntityIfExistsAsync<TableEntity>(account, LeaseRows.Row(leases.Instance));
        var (usage, _) = await UsageTotals.ReadAsync(table.Table, account, day, "k", "m", CancellationToken.None);

        // Had the instance only stalled, its next sync finds the janitor's work and posts nothing twice.
        await leases.FlushAsync(account, CancellationToken.None);
        var (afterRevival, _) = await table.ReadBalanceAsync(account, CancellationToken.None);
        var (usageAfterRevival, _) = await UsageTotals.ReadAsync(table.Table, account, day, "k", "m", CancellationToken.None);

        Assert.Equal(700, beforeCrash.Posted); // the second charge was only in the journal
        Assert.Equal((1_000L, 0L), (afterJanitor.Posted, afterJanitor.Leased)); // posted once by the janitor, the rest released
        Assert.False(lease.HasValue);
        Assert.Equal((2L, 15L, 4L, 1_000L), (usage.Requests, usage.PromptTokens, usage.CompletionTokens, usage.CostMicroUsdc));
        Assert.Equal(1_000, afterRevival.Posted);
        Assert.Equal(afterRevival.Leased, (await LeaseAmountAsync(table, account, leases.Instance)) ?? 0);
        Assert.Equal(usage, usageAfterRevival);
    }

    private static async Task<long?> LeaseAmountAsync(CreditAccountTable table, string account, string instance)
    {
        var row = await table.Table.GetEntityIfExistsAsync<TableEntity>(account, LeaseRows.Row(instance));
        return row.HasValue ? row.Value!.GetInt64("Amount") : null;
    }

    private CreditLeases Leases()
    {
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        return new CreditLeases(new CreditAccountTable(_tables), _due, new UsageEventPublisher(queues),
            Options.Create(new AccountsOptions { KeyPepper = new string('p', 32) }), _time, NullLogger<CreditLeases>.Instance);
    }

    private CreditAccounts Accounts => new(new CreditAccountTable(_tables), _time);

    /// <summary>The holds, with an expiry index of this test's own (the stack's janitor reads the real one on the real clock).</summary>
    private CreditHolds Holds(TimeSpan? lifetime = null) =>
        new(new CreditAccountTable(_tables), _due, Options.Create(new AccountsOptions { KeyPepper = new string('p', 32), HoldLifetime = lifetime ?? TimeSpan.FromMinutes(15) }), _time);

    private CreditJanitor Janitor(CreditHolds holds, QueueServiceClient? queues = null)
    {
        queues ??= new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var publisher = new UsageEventPublisher(queues);
        return new CreditJanitor(new CreditAccountTable(_tables), holds, _due, new UsageOutbox(_tables, publisher), publisher, _time, NullLogger<CreditJanitor>.Instance);
    }

    private static string Account() => "ledger-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<HttpResponseMessage> SendAsync(TestAccount account)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = new StringContent("""{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
