using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Settlement;

/// <summary>
/// The running balance between the treasury and each model's vault (table
/// <see cref="TableNames.VaultPayables"/>, one partition per model): an <c>accrual|&lt;ledger page&gt;</c>
/// row per settlement ledger page that moved it (insert-once, so a page counts once however often its
/// events are delivered), the <c>balance</c> row it adds to in the same entity-group transaction, and the
/// sweeps that pay it out. Concurrent writers meet on the balance row's ETag and retry.
/// </summary>
public sealed class VaultPayables
{
    private const string BalanceRow = "balance";
    private const string AccrualPrefix = "accrual|";

    private readonly TableClient _table;
    private readonly ConcurrentDictionary<string, (VaultBalance Balance, ETag? ETag)> _lastWritten = new(StringComparer.Ordinal);
    private volatile bool _created;

    public VaultPayables(TableServiceClient tables)
    {
        _table = tables.GetTableClient(TableNames.VaultPayables);
    }

    /// <summary>
    /// Adds what one ledger page's postings move between the treasury and the model's vault, once per
    /// page: the accrual row keyed by <paramref name="page"/> is inserted with the balance update, so a
    /// second attempt (a redelivery after a crash between the ledger and this) finds it and adds nothing.
    /// True when it counted now; false when it had counted before or moves nothing.
    /// </summary>
    public async Task<bool> AccruePageAsync(string model, string page, IReadOnlyList<SettlementPosting> postings, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var (toVault, toTreasury, inVault) = (0L, 0L, 0L);
        foreach (var p in postings)
        {
            (toVault, toTreasury, inVault) = (toVault + p.OwedToVault, toTreasury + p.OwedToTreasury, inVault + p.CreatorFeeInVault);
        }

        if (toVault == 0 && toTreasury == 0 && inVault == 0)
        {
            return false;
        }

        var partition = Partition(model);
        // The balance this instance last wrote is usually still current: try it without a read first.
        var (balance, etag) = _lastWritten.TryGetValue(model, out var last) ? last : await ReadBalanceAsync(model, cancellationToken);
        while (true)
        {
            if (etag is null)
            {
                await CreateBalanceAsync(partition, cancellationToken);
                (balance, etag) = await ReadBalanceAsync(model, cancellationToken);
                continue;
            }

            var written = balance with { OwedToVault = balance.OwedToVault + toVault, OwedToTreasury = balance.OwedToTreasury + toTreasury, CreatorFeesInVault = balance.CreatorFeesInVault + inVault };
            var total = new TableEntity(partition, BalanceRow)
            {
                ["OwedToVault"] = written.OwedToVault, ["OwedToTreasury"] = written.OwedToTreasury, ["CreatorFeesInVault"] = written.CreatorFeesInVault,
            };
            var accrual = new TableEntity(partition, AccrualPrefix + page) { ["ToVault"] = toVault, ["ToTreasury"] = toTreasury, ["InVault"] = inVault, ["Events"] = postings.Count };
            try
            {
                var responses = await _table.SubmitTransactionAsync(
                    [new(TableTransactionActionType.UpdateMerge, total, etag.Value), new(TableTransactionActionType.Add, accrual)], cancellationToken);
                _lastWritten[model] = (written, responses.Value[0].Headers.ETag);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Another writer moved the balance row: read it again.
                _lastWritten.TryRemove(model, out _);
                (balance, etag) = await ReadBalanceAsync(model, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
            {
                // The page counted before (a redelivery): nothing to add.
                return false;
            }
        }
    }

    /// <summary>Whether the ledger page <paramref name="page"/> of <paramref name="model"/> has counted (one point read).</summary>
    public async Task<bool> HasAccruedAsync(string model, string page, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        return (await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), AccrualPrefix + page, ["RowKey"], cancellationToken)).HasValue;
    }

    /// <summary>What the ledger page <paramref name="page"/> added (creator fees owed to the vault), or null if it has not counted.</summary>
    public async Task<long?> AccruedToVaultAsync(string model, string page, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), AccrualPrefix + page, cancellationToken: cancellationToken);
        return row.HasValue ? row.Value!.GetInt64("ToVault") : null;
    }

    public async Task<VaultBalance> BalanceAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        return (await ReadBalanceAsync(model, cancellationToken)).Balance;
    }

    /// <summary>The model's last sweep if it is still open (planned or sent).</summary>
    public async Task<Sweep?> OpenSweepAsync(string model, CancellationToken cancellationToken)
    {
        var balance = await BalanceAsync(model, cancellationToken);
        if (balance.Sweeps == 0)
        {
            return null;
        }

        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), SweepRow(balance.Sweeps), cancellationToken: cancellationToken);
        return row.HasValue && ToSweep(row.Value!) is { IsOpen: true } open ? open : null;
    }

    /// <summary>
    /// Records a planned sweep and reserves its amount, atomically, if no other sweep was planned since
    /// <paramref name="seen"/> was read. False: another run got there first; nothing was written.
    /// </summary>
    public async Task<bool> PlanAsync(VaultBalance seen, Sweep sweep, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (balance, etag) = await ReadBalanceAsync(seen.Model, cancellationToken);
            if (balance.Swept != seen.Swept || balance.Sweeps != seen.Sweeps || sweep.Number != seen.Sweeps + 1 || etag is null)
            {
                return false;
            }

            var reserve = new TableEntity(Partition(seen.Model), BalanceRow) { ["Swept"] = balance.Swept + sweep.Amount, ["Sweeps"] = sweep.Number };
            try
            {
                await _table.SubmitTransactionAsync(
                    [
                        new TableTransactionAction(TableTransactionActionType.UpdateMerge, reserve, etag.Value),
                        new TableTransactionAction(TableTransactionActionType.Add, SweepEntity(sweep)),
                    ],
                    cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // An accrual moved the balance row in between: read it again.
            }
        }
    }

    /// <summary>Moves an open sweep to Sent or Confirmed; returns the sweep as stored (unchanged if another run closed it first).</summary>
    public Task<Sweep> RecordAsync(Sweep sweep, SweepState state, CancellationToken cancellationToken) =>
        TransitionAsync(sweep, state, error: null, cancellationToken);

    /// <summary>
    /// Closes a sweep that did nothing on chain and makes its amount payable again, atomically and only
    /// while it is open: two runs that both saw it expire release it once.
    /// </summary>
    public Task<Sweep> AbandonAsync(Sweep sweep, string error, CancellationToken cancellationToken) =>
        TransitionAsync(sweep, SweepState.Abandoned, error, cancellationToken);

    private async Task<Sweep> TransitionAsync(Sweep sweep, SweepState state, string? error, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = (await _table.GetEntityAsync<TableEntity>(Partition(sweep.Model), SweepRow(sweep.Number), cancellationToken: cancellationToken)).Value;
            var stored = ToSweep(row);
            if (!stored.IsOpen)
            {
                return stored;
            }

            var updated = stored with { State = state, Error = error };
            List<TableTransactionAction> actions =
            [
                new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, row.RowKey) { ["State"] = state.ToString(), ["Error"] = error }, row.ETag),
            ];
            if (state == SweepState.Abandoned)
            {
                var (balance, etag) = await ReadBalanceAsync(sweep.Model, cancellationToken);
                actions.Add(new(TableTransactionActionType.UpdateMerge, new TableEntity(row.PartitionKey, BalanceRow) { ["Swept"] = balance.Swept - stored.Amount }, etag!.Value));
            }

            try
            {
                await _table.SubmitTransactionAsync(actions, cancellationToken);
                return updated;
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // The sweep or the balance changed meanwhile: look again.
            }
        }
    }

    private async Task<(VaultBalance Balance, ETag? ETag)> ReadBalanceAsync(string model, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), BalanceRow, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return (new VaultBalance(model, 0, 0, 0, 0), null);
        }

        var e = row.Value!;
        return (new VaultBalance(model, e.GetInt64("OwedToVault") ?? 0, e.GetInt64("Swept") ?? 0, e.GetInt64("OwedToTreasury") ?? 0, e.GetInt32("Sweeps") ?? 0,
            e.GetInt64("CreatorFeesInVault") ?? 0), e.ETag);
    }

    private async Task CreateBalanceAsync(string partition, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(
                new TableEntity(partition, BalanceRow) { ["OwedToVault"] = 0L, ["Swept"] = 0L, ["OwedToTreasury"] = 0L, ["Sweeps"] = 0, ["CreatorFeesInVault"] = 0L },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
        }
    }

    private static TableEntity SweepEntity(Sweep sweep) => new(Partition(sweep.Model), SweepRow(sweep.Number))
    {
        ["Model"] = sweep.Model, ["State"] = sweep.State.ToString(), ["Amount"] = sweep.Amount, ["VaultAccount"] = sweep.VaultAccount,
        ["Signature"] = sweep.Signature, ["Transaction"] = sweep.Transaction, ["LastValidBlockHeight"] = (long)sweep.LastValidBlockHeight,
        ["PlannedAt"] = sweep.PlannedAt,
    };

    private static Sweep ToSweep(TableEntity e) => new(
        e.GetString("Model"),
        int.Parse(e.RowKey["sweep|".Length..], CultureInfo.InvariantCulture),
        Enum.Parse<SweepState>(e.GetString("State")),
        e.GetInt64("Amount") ?? 0,
        e.GetString("VaultAccount"),
        e.GetString("Signature"),
        e.GetBinary("Transaction"),
        (ulong)(e.GetInt64("LastValidBlockHeight") ?? 0),
        e.GetDateTimeOffset("PlannedAt") ?? default,
        e.GetString("Error"));

    private static string Partition(string model) => model.Replace('/', '~');

    private static string SweepRow(int number) => "sweep|" + number.ToString("D8", CultureInfo.InvariantCulture);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }
}
