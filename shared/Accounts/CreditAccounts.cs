using Azure.Data.Tables;

namespace Bourse.Accounts;

/// <summary>
/// An account's credits as its owner and the operator see them: deposits (insert-once by deposit id,
/// added to the balance in the same transaction), the balance, open holds and usage by day and key.
/// </summary>
public sealed class CreditAccounts(CreditAccountTable credits, TimeProvider time)
{
    /// <summary>
    /// Adds a deposit once per <paramref name="depositId"/>: a repeat with the same amount changes nothing
    /// (<see cref="DepositOutcome.Repeated"/>); with another amount it is a <see cref="DepositOutcome.Conflict"/>.
    /// </summary>
    public async Task<DepositResult> DepositAsync(string accountId, string depositId, long amountMicroUsdc, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountMicroUsdc);
        using var serial = await CreditAccountTable.SerialAsync(accountId, cancellationToken);
        await credits.EnsureTableAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var (balance, etag) = await credits.ReadBalanceAsync(accountId, cancellationToken);
            var existing = await credits.Table.GetEntityIfExistsAsync<TableEntity>(accountId, "deposit|" + depositId, cancellationToken: cancellationToken);
            if (existing.HasValue)
            {
                return new DepositResult(existing.Value!.GetInt64("Amount") == amountMicroUsdc ? DepositOutcome.Repeated : DepositOutcome.Conflict, balance);
            }

            if (balance.Deposited > long.MaxValue - amountMicroUsdc)
            {
                return new DepositResult(DepositOutcome.Overflow, balance);
            }

            var next = balance with { Deposited = balance.Deposited + amountMicroUsdc };
            var deposit = new TableEntity(accountId, "deposit|" + depositId) { ["Amount"] = amountMicroUsdc, ["At"] = time.GetUtcNow() };
            var (outcome, _, _) = await credits.CommitAsync(
                [new TableTransactionAction(TableTransactionActionType.Add, deposit), CreditAccountTable.BalanceAction(accountId, next, etag)], cancellationToken);
            if (outcome == CreditAccountTable.Commit.Done)
            {
                return new DepositResult(DepositOutcome.Applied, next);
            }

            if (outcome != CreditAccountTable.Commit.Exists)
            {
                await CreditAccountTable.BackoffAsync(attempt, cancellationToken);
            }
        }
    }

    public async Task<CreditBalance> GetBalanceAsync(string accountId, CancellationToken cancellationToken) =>
        (await credits.ReadBalanceAsync(accountId, cancellationToken)).Balance;

    /// <summary>What the account was charged for, by UTC day and key, for days in [<paramref name="from"/>, <paramref name="to"/>]: one range read.</summary>
    public async Task<IReadOnlyList<UsageSummary>> UsageAsync(string accountId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var usage = new List<UsageSummary>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {UsageTotals.Prefix(from)} and RowKey lt {UsageTotals.Prefix(to.AddDays(1))}");
        await foreach (var row in credits.Table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            usage.Add(UsageTotals.ToUsage(row));
        }

        return usage;
    }

    /// <summary>The account's pending exact holds, oldest expiry first: a range read of their <c>open|</c> rows, however long the history.</summary>
    public async Task<IReadOnlyList<OpenHold>> OpenHoldsAsync(string accountId, CancellationToken cancellationToken)
    {
        var holds = new List<OpenHold>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {CreditHolds.OpenPrefix} and RowKey lt {"open}"}");
        await foreach (var open in credits.Table.QueryAsync<TableEntity>(filter, select: ["RowKey", "KeyId", "Amount", "ExpiresAt"], cancellationToken: cancellationToken))
        {
            holds.Add(new OpenHold(open.RowKey[CreditHolds.OpenPrefix.Length..], open.GetString("KeyId"), open.GetInt64("Amount") ?? 0, open.GetDateTimeOffset("ExpiresAt")));
        }

        return [.. holds.OrderBy(h => h.ExpiresAt)];
    }
}
