using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// Exact per-call holds, two-phase (pending → posted or voided): the path for calls that cannot be
/// admitted against a lease (a balance too small to lease, a key with a spend cap, an Idempotency-Key).
/// A hold is rows <c>hold|id</c> and <c>open|id</c> (so open holds are listed without reading the
/// history) in the account's partition, placed and finished in ONE transaction with the balance row
/// under its ETag, so parallel requests can never reserve or charge more than was deposited. Each hold
/// is also indexed by its expiry (<see cref="DueIndex"/>), where the janitor finds it if a crash
/// orphans it. Ids are the caller's, so retries are safe.
/// </summary>
public sealed class CreditHolds(CreditAccountTable credits, DueIndex due, IOptions<AccountsOptions> options, TimeProvider time)
{
    /// <summary>Hold ids the caller derives from an Idempotency-Key: only their answers are kept.</summary>
    public const string IdempotentHoldPrefix = "idem_";

    /// <summary>A table property holds at most 64 KiB; a larger answer is not kept (its retry gets a 409).</summary>
    public const int MaxKeptAnswer = 60_000;

    /// <summary>The <see cref="DueIndex"/> kind of hold expiries; ids are <c>account|hold</c>.</summary>
    public const string DueKind = "hold";

    /// <summary>A pending hold's second row, written and deleted with it.</summary>
    public const string OpenPrefix = "open|";

    private readonly TableClient _table = credits.Table;

    public async Task<HoldResult> PlaceAsync(
        string accountId, string keyId, string holdId, string requestHash, long amountMicroUsdc, CancellationToken cancellationToken, long? keySpendCap = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountMicroUsdc);
        if (!holdId.StartsWith(IdempotentHoldPrefix, StringComparison.Ordinal))
        {
            // A refusal writes nothing, so it needs neither the account's lock nor a transaction: a burst of calls
            // on an exhausted account is refused in parallel instead of queueing behind each other.
            var (early, _) = await credits.ReadBalanceAsync(accountId, cancellationToken);
            if (early.Available < amountMicroUsdc)
            {
                return new HoldResult(HoldOutcome.InsufficientCredits, early.Available);
            }
        }

        using var serial = await CreditAccountTable.SerialAsync(accountId, cancellationToken);
        var expiresAt = time.GetUtcNow() + options.Value.HoldLifetime;
        // Indexed before it exists (a hint the janitor checks), so a crash right after placing cannot orphan it.
        var indexed = due.AddAsync(DueKind, expiresAt, accountId + "|" + holdId, cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            // Three point reads of one partition, in parallel: the hold (a retry?), the balance, the key's spend.
            var holdRead = ReadHoldAsync(accountId, holdId, cancellationToken);
            var balanceRead = credits.ReadBalanceAsync(accountId, cancellationToken);
            var spendRead = ReadKeySpendAsync(accountId, keyId, cancellationToken);
            await Task.WhenAll(holdRead, balanceRead, spendRead, indexed);
            var (balance, etag) = balanceRead.Result;
            var retried = holdRead.Result;
            if (retried is not null && (retried.GetString("State") != "voided" || retried.GetString("RequestHash") != requestHash))
            {
                return Existing(retried, requestHash, balance.Available);
            }

            // A voided hold (its call failed before serving anything, or expired) may run again under the same id.

            if (etag is null || balance.Available < amountMicroUsdc)
            {
                return new HoldResult(HoldOutcome.InsufficientCredits, balance.Available);
            }

            var (spent, keyEtag) = spendRead.Result;
            if (keySpendCap is { } cap && spent.Pending + spent.Posted + amountMicroUsdc > cap)
            {
                return new HoldResult(HoldOutcome.SpendCapReached, balance.Available);
            }

            var hold = new TableEntity(accountId, HoldRow(holdId))
            {
                ["Amount"] = amountMicroUsdc, ["State"] = "pending", ["RequestHash"] = requestHash, ["KeyId"] = keyId, ["ExpiresAt"] = expiresAt,
            };
            var open = new TableEntity(accountId, OpenPrefix + holdId) { ["Amount"] = amountMicroUsdc, ["KeyId"] = keyId, ["ExpiresAt"] = expiresAt };
            var next = balance with { Pending = balance.Pending + amountMicroUsdc };
            var keySpend = KeySpendAction(accountId, keyId, spent with { Pending = spent.Pending + amountMicroUsdc }, keyEtag);
            TableTransactionAction[] actions =
            [
                retried is null ? new(TableTransactionActionType.Add, hold) : new(TableTransactionActionType.UpdateReplace, hold, retried.ETag),
                CreditAccountTable.BalanceAction(accountId, next, etag), keySpend, new(TableTransactionActionType.Add, open),
            ];
            if ((await credits.CommitAsync(actions, cancellationToken)).Outcome == CreditAccountTable.Commit.Done)
            {
                return new HoldResult(HoldOutcome.Placed, next.Available);
            }

            await CreditAccountTable.BackoffAsync(attempt, cancellationToken);
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
    /// <param name="servedBy">The offer that served the kept answer (<c>X-Bourse-Model-Id</c> of its replay).</param>
    /// <param name="model">The model the call asked for (its usage row); read from the event when not given.</param>
    public async Task<PostResult> PostAsync(
        string accountId, string holdId, long actualMicroUsdc, CancellationToken cancellationToken, Func<long, UsageEvent>? usage = null, string? keyId = null,
        byte[]? answer = null, string? servedBy = null, string? model = null) =>
        await FinishAsync(accountId, holdId, keyId, model, actualMicroUsdc, "posted", usage, answer, servedBy, cancellationToken);

    public async Task VoidAsync(string accountId, string holdId, CancellationToken cancellationToken, string? keyId = null) =>
        await FinishAsync(accountId, holdId, keyId, null, 0, "voided", null, null, null, cancellationToken);

    /// <summary>The hold's state and expiry, or null when there is no such hold.</summary>
    public async Task<(string State, DateTimeOffset? ExpiresAt, string? KeyId)?> FindAsync(string accountId, string holdId, CancellationToken cancellationToken) =>
        await ReadHoldAsync(accountId, holdId, cancellationToken) is { } hold
            ? (hold.GetString("State"), hold.GetDateTimeOffset("ExpiresAt"), hold.GetString("KeyId"))
            : null;

    private async Task<PostResult> FinishAsync(
        string accountId, string holdId, string? knownKeyId, string? knownModel, long actual, string state, Func<long, UsageEvent>? usage, byte[]? answer, string? servedBy,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actual);
        using var serial = await CreditAccountTable.SerialAsync(accountId, cancellationToken);
        var withOpenRow = true;
        for (var attempt = 0; ; attempt++)
        {
            var holdRead = ReadHoldAsync(accountId, holdId, cancellationToken);
            var balanceRead = credits.ReadBalanceAsync(accountId, cancellationToken);
            var spendRead = knownKeyId is null ? null : ReadKeySpendAsync(accountId, knownKeyId, cancellationToken);
            var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            var totalsRead = usage is null || knownKeyId is null || knownModel is null ? null : UsageTotals.ReadAsync(_table, accountId, day, knownKeyId, knownModel, cancellationToken);
            await Task.WhenAll(holdRead, balanceRead, spendRead ?? Task.CompletedTask, totalsRead ?? Task.CompletedTask);
            var hold = holdRead.Result ?? throw new InvalidOperationException($"Hold {holdId} does not exist on {accountId}.");
            if (hold.GetString("State") != "pending")
            {
                return new PostResult(hold.GetInt64("Charged") ?? 0, AlreadyPosted: true);
            }

            var amount = hold.GetInt64("Amount") ?? 0;
            var (balance, etag) = balanceRead.Result;
            // Never more than the hold quoted before the call, nor than the account holds.
            var charge = Math.Min(Math.Min(actual, amount), balance.Available + amount);
            var next = balance with { Pending = balance.Pending - amount, Posted = balance.Posted + charge };
            var finished = new TableEntity(accountId, hold.RowKey) { ["State"] = state, ["Charged"] = charge, ["FinishedAt"] = time.GetUtcNow() };
            if (answer is { Length: <= MaxKeptAnswer } && holdId.StartsWith(IdempotentHoldPrefix, StringComparison.Ordinal))
            {
                finished["Answer"] = answer;
                finished["ServedBy"] = servedBy;
            }

            var keyId = hold.GetString("KeyId");
            var (spent, keyEtag) = spendRead is not null && knownKeyId == keyId ? spendRead.Result : await ReadKeySpendAsync(accountId, keyId, cancellationToken);
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateMerge, finished, hold.ETag),
                CreditAccountTable.BalanceAction(accountId, next, etag),
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
                    : await UsageTotals.ReadAsync(_table, accountId, day, keyId, used.Model, cancellationToken);
                actions.Add(UsageTotals.Action(accountId, UsageTotals.Add(totals, 1, used.PromptTokens, used.CompletionTokens, charge), totalsEtag));
            }

            var (outcome, _, _) = await credits.CommitAsync(actions, cancellationToken);
            if (outcome == CreditAccountTable.Commit.Done)
            {
                return new PostResult(charge, AlreadyPosted: false);
            }

            if (outcome == CreditAccountTable.Commit.Missing && withOpenRow)
            {
                withOpenRow = false; // a hold placed before open rows existed
                continue;
            }

            await CreditAccountTable.BackoffAsync(attempt, cancellationToken);
        }
    }

    private static HoldResult Existing(TableEntity hold, string requestHash, long available) =>
        hold.GetString("RequestHash") != requestHash ? new HoldResult(HoldOutcome.KeyReusedWithDifferentRequest, available)
        : hold.GetString("State") == "pending" ? new HoldResult(HoldOutcome.InProgress, available)
        : new HoldResult(HoldOutcome.AlreadyPosted, available, hold.GetBinary("Answer"), hold.GetString("ServedBy"));

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

    private async Task<TableEntity?> ReadHoldAsync(string accountId, string holdId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, HoldRow(holdId), cancellationToken: cancellationToken);
        return row.HasValue ? row.Value : null;
    }

    private sealed record KeySpend(long Pending, long Posted);
}
