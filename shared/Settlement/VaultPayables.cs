using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Settlement;

/// <summary>
/// The running balance between the treasury and each model's vault (table
/// <see cref="TableNames.VaultPayables"/>, one partition per model): a row per settled event that
/// moved it (insert-once, so a redelivered event counts once), the <c>balance</c> row they add to in the
/// same entity-group transaction, and the sweeps that pay it out. Concurrent writers meet on the
/// balance row's ETag and retry.
/// </summary>
public sealed class VaultPayables
{
    private const string BalanceRow = "balance";
    private const int MaxEventsPerBatch = 99; // + the balance row = the 100 an entity-group transaction allows

    private readonly TableClient _table;
    private readonly ConcurrentDictionary<string, (VaultBalance Balance, ETag? ETag)> _lastWritten = new(StringComparer.Ordinal);
    private readonly GroupCommit<Accrual> _commits;
    private volatile bool _created;

    public VaultPayables(TableServiceClient tables)
    {
        _table = tables.GetTableClient(TableNames.VaultPayables);
        _commits = new GroupCommit<Accrual>(AccrueBatchAsync, a => a.EventId, MaxEventsPerBatch);
    }

    /// <summary>
    /// Adds what each posting moves between the treasury and a vault; returns how many postings counted
    /// for the first time. Concurrent calls for one model are committed together (up to 99 events per
    /// transaction), so a burst of single-event calls does not fight over the balance row's ETag.
    /// </summary>
    public async Task<int> AccrueAsync(IReadOnlyList<SettlementPosting> postings, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var accrued = 0;
        var moving = postings
            .DistinctBy(p => p.Event.EventId)
            .Select(p => new Accrual(p.Event.EventId, p.Event.Model, p.OwedToVault, p.OwedToTreasury, p.CreatorFeeInVault))
            .Where(a => a.ToVault != 0 || a.ToTreasury != 0 || a.InVault != 0)
            .GroupBy(a => a.Model);
        foreach (var model in moving)
        {
            accrued += await _commits.CommitAsync(model.Key, [.. model], cancellationToken);
        }

        return accrued;
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

    /// <summary>One transaction: the events' insert-once rows and the balance they add to; per event, whether it counted now.</summary>
    private async Task<bool[]> AccrueBatchAsync(string model, Accrual[] events)
    {
        var cancellationToken = CancellationToken.None; // the batch carries several callers' events: no one caller's cancellation applies
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

            var total = new TableEntity(partition, BalanceRow)
            {
                ["OwedToVault"] = balance.OwedToVault + events.Sum(e => e.ToVault),
                ["OwedToTreasury"] = balance.OwedToTreasury + events.Sum(e => e.ToTreasury),
                ["CreatorFeesInVault"] = balance.CreatorFeesInVault + events.Sum(e => e.InVault),
            };
            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateMerge, total, etag.Value)];
            actions.AddRange(events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, "event|" + e.EventId)
            {
                ["ToVault"] = e.ToVault, ["ToTreasury"] = e.ToTreasury, ["InVault"] = e.InVault,
            })));
            try
            {
                var responses = await _table.SubmitTransactionAsync(actions, cancellationToken);
                var written = balance with
                {
                    OwedToVault = (long)total["OwedToVault"], OwedToTreasury = (long)total["OwedToTreasury"], CreatorFeesInVault = (long)total["CreatorFeesInVault"],
                };
                _lastWritten[model] = (written, responses.Value[0].Headers.ETag);
                return [.. events.Select(_ => true)];
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                // Another writer moved the balance row: read it again.
                _lastWritten.TryRemove(model, out _);
                (balance, etag) = await ReadBalanceAsync(model, cancellationToken);
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
            {
                // Some counted before (a redelivery, a retried batch): count the rest one by one.
                if (events.Length == 1)
                {
                    return [false];
                }

                var counted = new bool[events.Length];
                for (var i = 0; i < events.Length; i++)
                {
                    counted[i] = (await AccrueBatchAsync(model, [events[i]]))[0];
                }

                return counted;
            }
        }
    }

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

    private sealed record Accrual(string EventId, string Model, long ToVault, long ToTreasury, long InVault);
}
