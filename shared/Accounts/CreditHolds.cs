using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// Prepaid credits with two-phase holds, in table <see cref="TableNames.CreditAccounts"/>, one
/// partition per account: the balance row, deposit rows, hold rows (and an <c>open|</c> row per pending
/// hold), the keys' spend, usage totals by day and key, and the usage outbox. Every change to a hold or a
/// deposit commits in ONE entity-group transaction with the balance row under its ETag, so parallel
/// requests can never reserve or charge more than was deposited: a concurrent change makes the
/// transaction fail (412) and it is retried on fresh numbers. Ids are the caller's, so retries are safe.
/// </summary>
public sealed class CreditHolds(TableServiceClient tables, IOptions<AccountsOptions> options, TimeProvider time)
{
    /// <summary>Hold ids the caller derives from an Idempotency-Key: only their answers are kept.</summary>
    public const string IdempotentHoldPrefix = "idem_";

    /// <summary>A table property holds at most 64 KiB; a larger answer is not kept (its retry gets a 409).</summary>
    public const int MaxKeptAnswer = 60_000;

    private const string BalanceRow = "balance";

    /// <summary>A pending hold's second row, written and deleted with it, so open holds are listed without reading the history.</summary>
    private const string OpenPrefix = "open|";
    private const string UsageRowPrefix = "usage|";
    private const int MaxAttempts = 50;

    /// <summary>
    /// Changes to one account are serialised within this instance (striped locks), so the ETag retries
    /// only arbitrate between instances; without this, a burst of parallel calls on one account
    /// would mostly be retrying each other.
    /// </summary>
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private readonly TableClient _table = tables.GetTableClient(TableNames.CreditAccounts);

    public async Task<CreditBalance> DepositAsync(string accountId, string depositId, long amountMicroUsdc, CancellationToken cancellationToken)
    {
        using var serial = await SerialAsync(accountId, cancellationToken);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMicroUsdc);
        await _table.CreateIfNotExistsAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var (balance, etag) = await ReadBalanceAsync(accountId, cancellationToken);
            var next = balance with { Deposited = checked(balance.Deposited + amountMicroUsdc) };
            var deposit = new TableEntity(accountId, "deposit|" + depositId) { ["Amount"] = amountMicroUsdc, ["At"] = time.GetUtcNow() };
            var outcome = await CommitAsync(accountId, [new TableTransactionAction(TableTransactionActionType.Add, deposit), BalanceAction(accountId, next, etag)], cancellationToken);
            switch (outcome)
            {
                case Commit.Done:
                    return next;
                case Commit.Exists:
                    return (await ReadBalanceAsync(accountId, cancellationToken)).Balance; // this deposit was applied before
                default:
                    await BackoffAsync(attempt, cancellationToken);
                    break;
            }
        }
    }

    public async Task<CreditBalance> GetBalanceAsync(string accountId, CancellationToken cancellationToken) =>
        (await ReadBalanceAsync(accountId, cancellationToken)).Balance;

    /// <summary>What the account was charged for, by UTC day and key, for days in [<paramref name="from"/>, <paramref name="to"/>]: one range read.</summary>
    public async Task<IReadOnlyList<UsageSummary>> UsageAsync(string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var usage = new List<UsageSummary>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {UsagePrefix(from)} and RowKey lt {UsagePrefix(to.AddDays(1))}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            usage.Add(ToUsage(row));
        }

        return usage;
    }

    /// <summary>The account's pending holds (calls in flight), oldest expiry first: a range read of their <c>open|</c> rows, however long the history.</summary>
    public async Task<IReadOnlyList<OpenHold>> OpenHoldsAsync(string accountId, CancellationToken cancellationToken)
    {
        var holds = new List<OpenHold>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {OpenPrefix} and RowKey lt {"open}"}");
        await foreach (var open in _table.QueryAsync<TableEntity>(filter, select: ["RowKey", "KeyId", "Amount", "ExpiresAt"], cancellationToken: cancellationToken))
        {
            holds.Add(new OpenHold(open.RowKey[OpenPrefix.Length..], open.GetString("KeyId"), open.GetInt64("Amount") ?? 0, open.GetDateTimeOffset("ExpiresAt")));
        }

        return [.. holds.OrderBy(h => h.ExpiresAt)];
    }

    public async Task<HoldResult> PlaceAsync(
        string accountId, string keyId, string holdId, string requestHash, long amountMicroUsdc, CancellationToken cancellationToken, long? keySpendCap = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountMicroUsdc);
        using var serial = await SerialAsync(accountId, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            // Three point reads of one partition, in parallel: the hold (a retry?), the balance, the key's spend.
            var holdRead = ReadHoldAsync(accountId, holdId, cancellationToken);
            var balanceRead = ReadBalanceAsync(accountId, cancellationToken);
            var spendRead = ReadKeySpendAsync(accountId, keyId, cancellationToken);
            await Task.WhenAll(holdRead, balanceRead, spendRead);
            var (balance, etag) = balanceRead.Result;
            if (holdRead.Result is { } existing)
            {
                return Existing(existing, requestHash, balance.Available);
            }

            if (etag is null || balance.Available < amountMicroUsdc)
            {
                return new HoldResult(HoldOutcome.InsufficientCredits, balance.Available);
            }

            var (spent, keyEtag) = spendRead.Result;
            if (keySpendCap is { } cap && spent.Pending + spent.Posted + amountMicroUsdc > cap)
            {
                return new HoldResult(HoldOutcome.SpendCapReached, balance.Available);
            }

            var expiresAt = time.GetUtcNow() + options.Value.HoldLifetime;
            var hold = new TableEntity(accountId, HoldRow(holdId))
            {
                ["Amount"] = amountMicroUsdc, ["State"] = "pending", ["RequestHash"] = requestHash, ["KeyId"] = keyId, ["ExpiresAt"] = expiresAt,
            };
            var open = new TableEntity(accountId, OpenPrefix + holdId) { ["Amount"] = amountMicroUsdc, ["KeyId"] = keyId, ["ExpiresAt"] = expiresAt };
            var next = balance with { Pending = balance.Pending + amountMicroUsdc };
            var keySpend = KeySpendAction(accountId, keyId, spent with { Pending = spent.Pending + amountMicroUsdc }, keyEtag);
            TableTransactionAction[] actions =
            [
                new(TableTransactionActionType.Add, hold), BalanceAction(accountId, next, etag), keySpend, new(TableTransactionActionType.Add, open),
            ];
            if (await CommitAsync(accountId, actions, cancellationToken) == Commit.Done)
            {
                return new HoldResult(HoldOutcome.Placed, next.Available);
            }

            await BackoffAsync(attempt, cancellationToken);
        }
    }

    /// <summary>Charges the actual cost and releases the rest. The charge never takes the account past its deposits.</summary>
    /// <remarks>
    /// With <paramref name="usage"/>, the usage event (given the charge) is written to the account's
    /// outbox in the same transaction, so a crash after the charge cannot lose it (<see cref="UsageOutbox"/>).
    /// A caller that knows the hold's <paramref name="keyId"/> saves a round trip: the key's spend is read
    /// alongside the hold instead of after it.
    /// </remarks>
    /// <param name="answer">Kept with the hold (up to <see cref="MaxKeptAnswer"/> bytes) to replay to an idempotent retry.</param>
    public async Task<PostResult> PostAsync(
        string accountId, string holdId, long actualMicroUsdc, CancellationToken cancellationToken, Func<long, UsageEvent>? usage = null, string? keyId = null,
        byte[]? answer = null, string? model = null) =>
        await FinishAsync(accountId, holdId, keyId, model, actualMicroUsdc, "posted", usage, answer, cancellationToken);

    public async Task VoidAsync(string accountId, string holdId, CancellationToken cancellationToken, string? keyId = null) =>
        await FinishAsync(accountId, holdId, keyId, null, 0, "voided", null, null, cancellationToken);

    /// <summary>Releases pending holds past their expiry (orphaned by a crash); returns how many.</summary>
    public async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expired = 0;
        var filter = TableClient.CreateQueryFilter($"State eq {"pending"} and ExpiresAt lt {now}");
        await foreach (var hold in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            await VoidAsync(hold.PartitionKey, hold.RowKey["hold|".Length..], cancellationToken, hold.GetString("KeyId"));
            expired++;
        }

        return expired;
    }

    private async Task<PostResult> FinishAsync(
        string accountId, string holdId, string? knownKeyId, string? knownModel, long actual, string state, Func<long, UsageEvent>? usage, byte[]? answer, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        using var serial = await SerialAsync(accountId, cancellationToken);
        var withOpenRow = true;
        for (var attempt = 0; ; attempt++)
        {
            var holdRead = ReadHoldAsync(accountId, holdId, cancellationToken);
            var balanceRead = ReadBalanceAsync(accountId, cancellationToken);
            var spendRead = knownKeyId is null ? null : ReadKeySpendAsync(accountId, knownKeyId, cancellationToken);
            var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var totalsRead = usage is null || knownKeyId is null || knownModel is null ? null : ReadUsageTotalsAsync(accountId, day, knownKeyId, knownModel, cancellationToken);
            await Task.WhenAll(holdRead, balanceRead, spendRead ?? Task.CompletedTask, totalsRead ?? Task.CompletedTask);
            var hold = holdRead.Result ?? throw new InvalidOperationException($"Hold {holdId} does not exist on {accountId}.");
            if (hold.GetString("State") != "pending")
            {
                return new PostResult(hold.GetInt64("Charged") ?? 0, AlreadyPosted: true);
            }

            var amount = hold.GetInt64("Amount") ?? 0;
            var (balance, etag) = balanceRead.Result;
            var charge = Math.Min(actual, balance.Available + amount);
            var next = balance with { Pending = balance.Pending - amount, Posted = balance.Posted + charge };
            var finished = new TableEntity(accountId, hold.RowKey) { ["State"] = state, ["Charged"] = charge, ["FinishedAt"] = time.GetUtcNow() };
            if (answer is { Length: <= MaxKeptAnswer } && holdId.StartsWith(IdempotentHoldPrefix, StringComparison.Ordinal))
            {
                finished["Answer"] = answer;
            }

            var keyId = hold.GetString("KeyId");
            var (spent, keyEtag) = spendRead is not null && knownKeyId == keyId ? spendRead.Result : await ReadKeySpendAsync(accountId, keyId, cancellationToken);
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateMerge, finished, hold.ETag),
                BalanceAction(accountId, next, etag),
                KeySpendAction(accountId, keyId, new KeySpend(spent.Pending - amount, spent.Posted + charge), keyEtag),
            ];
            if (withOpenRow)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(accountId, OpenPrefix + holdId), ETag.All));
            }

            if (usage is not null)
            {
                // The charge, its usage event and the day's totals for the key: one transaction, so counted once.
                var used = usage(charge);
                actions.Add(new TableTransactionAction(TableTransactionActionType.Add, UsageOutbox.Row(accountId, used, time.GetUtcNow())));
                var (totals, totalsEtag) = totalsRead is not null && knownKeyId == keyId && knownModel == used.Model
                    ? totalsRead.Result
                    : await ReadUsageTotalsAsync(accountId, day, keyId, used.Model, cancellationToken);
                actions.Add(UsageTotalsAction(accountId, day, keyId, used.Model, totals with
                {
                    Requests = totals.Requests + 1,
                    PromptTokens = totals.PromptTokens + used.PromptTokens,
                    CompletionTokens = totals.CompletionTokens + used.CompletionTokens,
                    CostMicroUsdc = totals.CostMicroUsdc + charge,
                }, totalsEtag));
            }

            var outcome = await CommitAsync(accountId, actions, cancellationToken);
            if (outcome == Commit.Done)
            {
                return new PostResult(charge, AlreadyPosted: false);
            }

            if (outcome == Commit.Missing && withOpenRow)
            {
                withOpenRow = false; // a hold placed before open rows existed
                continue;
            }

            await BackoffAsync(attempt, cancellationToken);
        }
    }

    private async Task<(UsageSummary Totals, ETag? ETag)> ReadUsageTotalsAsync(string accountId, DateOnly day, string keyId, string model, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, UsageRow(day, keyId, model), cancellationToken: cancellationToken);
        return row.HasValue ? (ToUsage(row.Value!), row.Value!.ETag) : (new UsageSummary(day, keyId, 0, 0, 0, 0, model), null);
    }

    private static TableTransactionAction UsageTotalsAction(string accountId, DateOnly day, string keyId, string model, UsageSummary totals, ETag? etag)
    {
        var row = new TableEntity(accountId, UsageRow(day, keyId, model))
        {
            ["KeyId"] = keyId, ["Model"] = model, ["Requests"] = totals.Requests, ["PromptTokens"] = totals.PromptTokens,
            ["CompletionTokens"] = totals.CompletionTokens, ["Cost"] = totals.CostMicroUsdc,
        };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    private static UsageSummary ToUsage(TableEntity row) => new(
        DateOnly.ParseExact(row.RowKey.AsSpan(UsageRowPrefix.Length, 8), "yyyyMMdd", CultureInfo.InvariantCulture), row.GetString("KeyId"),
        row.GetInt64("Requests") ?? 0, row.GetInt64("PromptTokens") ?? 0, row.GetInt64("CompletionTokens") ?? 0, row.GetInt64("Cost") ?? 0, row.GetString("Model"));

    /// <summary>
    /// Rows <c>usage|yyyyMMdd|keyId|model</c> (the model's <c>/</c>, not allowed in a row key, as <c>:</c>; the
    /// <c>Model</c> property keeps it as it is): in key order by day, so a date range is one range read.
    /// </summary>
    private static string UsageRow(DateOnly day, string keyId, string model) => UsagePrefix(day) + "|" + keyId + "|" + model.Replace('/', ':').Replace('\\', ':').Replace('#', ':').Replace('?', ':');

    private static string UsagePrefix(DateOnly day) => UsageRowPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static HoldResult Existing(TableEntity hold, string requestHash, long available) =>
        hold.GetString("RequestHash") != requestHash ? new HoldResult(HoldOutcome.KeyReusedWithDifferentRequest, available)
        : hold.GetString("State") == "pending" ? new HoldResult(HoldOutcome.InProgress, available)
        : new HoldResult(HoldOutcome.AlreadyPosted, available, hold.GetBinary("Answer"));

    private static string HoldRow(string holdId) => "hold|" + holdId;

    private static TableTransactionAction KeySpendAction(string accountId, string keyId, KeySpend spend, ETag? etag)
    {
        var row = new TableEntity(accountId, "key|" + keyId) { ["Pending"] = spend.Pending, ["Posted"] = spend.Posted };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    private async Task<(KeySpend Spend, ETag? ETag)> ReadKeySpendAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, "key|" + keyId, cancellationToken: cancellationToken);
        return row.HasValue ? (new KeySpend(row.Value!.GetInt64("Pending") ?? 0, row.Value.GetInt64("Posted") ?? 0), row.Value.ETag) : (new KeySpend(0, 0), null);
    }

    private sealed record KeySpend(long Pending, long Posted);

    private static TableTransactionAction BalanceAction(string accountId, CreditBalance balance, ETag? etag)
    {
        var row = new TableEntity(accountId, BalanceRow) { ["Deposited"] = balance.Deposited, ["Pending"] = balance.Pending, ["Posted"] = balance.Posted };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    private async Task<(CreditBalance Balance, ETag? ETag)> ReadBalanceAsync(string accountId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, BalanceRow, cancellationToken: cancellationToken);
        return row.HasValue
            ? (new CreditBalance(row.Value!.GetInt64("Deposited") ?? 0, row.Value.GetInt64("Pending") ?? 0, row.Value.GetInt64("Posted") ?? 0), row.Value.ETag)
            : (new CreditBalance(0, 0, 0), null);
    }

    private async Task<TableEntity?> ReadHoldAsync(string accountId, string holdId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, HoldRow(holdId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private async Task<Commit> CommitAsync(string accountId, IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            await _table.SubmitTransactionAsync(actions, cancellationToken);
            return Commit.Done;
        }
        catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict && e.FailedTransactionActionIndex == 0)
        {
            return Commit.Exists;
        }
        catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            return Commit.Raced;
        }
        catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return Commit.Missing;
        }
    }

    private static async Task<Releaser> SerialAsync(string accountId, CancellationToken cancellationToken)
    {
        var stripe = Stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(accountId) % (uint)Stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    private static Task BackoffAsync(int attempt, CancellationToken cancellationToken) => attempt >= MaxAttempts
        ? throw new InvalidOperationException("The credit account is too contended: gave up after many optimistic retries.")
        : Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 4))), cancellationToken);

    private readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }

    private enum Commit
    {
        Done,
        Exists,
        Raced,
        Missing,
    }
}
