using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Accounts;

/// <summary>
/// The rows every part of the credit ledger shares, in table <see cref="TableNames.CreditAccounts"/> (one
/// partition per account): the <c>balance</c> row (deposited, held by exact holds, leased to router
/// instances, posted) and how a change commits: one entity-group transaction with the balance row under
/// its ETag, so that no two writers can both spend the same credits.
/// </summary>
public sealed class CreditAccountTable(TableServiceClient tables)
{
    public const string BalanceRow = "balance";
    private const int MaxAttempts = 50;

    /// <summary>
    /// Changes to one account are serialised within this instance (striped locks), so the ETag retries
    /// only arbitrate between instances.
    /// </summary>
    private static readonly SemaphoreSlim[] Stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private volatile bool _created;

    public TableClient Table { get; } = tables.GetTableClient(TableNames.CreditAccounts);

    public async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await Table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }

    public async Task<(CreditBalance Balance, ETag? ETag)> ReadBalanceAsync(string accountId, CancellationToken cancellationToken)
    {
        var row = await Table.GetEntityIfExistsAsync<TableEntity>(accountId, BalanceRow, cancellationToken: cancellationToken);
        return row.HasValue ? (ToBalance(row.Value!), row.Value!.ETag) : (new CreditBalance(0, 0, 0), null);
    }

    public static CreditBalance ToBalance(TableEntity row) => new(
        row.GetInt64("Deposited") ?? 0, row.GetInt64("Pending") ?? 0, row.GetInt64("Posted") ?? 0, row.GetInt64("Leased") ?? 0);

    public static TableTransactionAction BalanceAction(string accountId, CreditBalance balance, ETag? etag)
    {
        var row = new TableEntity(accountId, BalanceRow)
        {
            ["Deposited"] = balance.Deposited, ["Pending"] = balance.Pending, ["Posted"] = balance.Posted, ["Leased"] = balance.Leased,
        };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    /// <summary>Commits one transaction; the outcome says why it did not (the index of a failed action is kept).</summary>
    public async Task<(Commit Outcome, int FailedIndex, IReadOnlyList<Response>? Responses)> CommitAsync(
        IEnumerable<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        try
        {
            var responses = await Table.SubmitTransactionAsync(actions, cancellationToken);
            return (Commit.Done, -1, responses.Value);
        }
        catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict && e.FailedTransactionActionIndex == 0)
        {
            return (Commit.Exists, 0, null);
        }
        catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict)
        {
            return (Commit.Raced, e.FailedTransactionActionIndex ?? -1, null);
        }
        catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return (Commit.Missing, e.FailedTransactionActionIndex ?? -1, null);
        }
    }

    public static async Task<Releaser> SerialAsync(string accountId, CancellationToken cancellationToken)
    {
        var stripe = Stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(accountId) % (uint)Stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    public static Task BackoffAsync(int attempt, CancellationToken cancellationToken) => attempt >= MaxAttempts
        ? throw new InvalidOperationException("The credit account is too contended: gave up after many optimistic retries.")
        : Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 5 + (attempt * 4))), cancellationToken);

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }

    public enum Commit
    {
        Done,
        Exists,
        Raced,
        Missing,
    }
}
