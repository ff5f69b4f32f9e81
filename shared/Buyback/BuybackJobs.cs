using System.Globalization;
using System.Net;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Buyback;

/// <summary>
/// Buyback jobs and their vaults' totals (table <see cref="TableNames.Buybacks"/>, one partition per
/// model: a <c>totals</c> row and a <c>job|…</c> row per job). Planning inserts the job and reserves its
/// amount in one entity-group transaction; every later step replaces the job row on its ETag (and moves
/// the totals in the same transaction when it reserves or releases), so two workers on one job make
/// each step once. The rows are also the market's buyback and burn history.
/// </summary>
public sealed class BuybackJobs(TableServiceClient tables)
{
    private const string TotalsRow = "totals";
    private const string JobPrefix = "job|";

    private readonly TableClient _table = tables.GetTableClient(TableNames.Buybacks);
    private volatile bool _created;

    public async Task<BuybackTotals> TotalsAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), TotalsRow, cancellationToken: cancellationToken);
        return row.HasValue
            ? new BuybackTotals(model, row.Value!.GetInt64("Bought") ?? 0, row.Value.GetInt64("Collected") ?? 0, row.Value.ETag.ToString())
            : new BuybackTotals(model, 0, 0, null);
    }

    public async Task<BuybackJob?> GetAsync(string model, string id, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(Partition(model), JobPrefix + id, cancellationToken: cancellationToken);
        return row.HasValue ? ToJob(row.Value!) : null;
    }

    /// <summary>The model's jobs, newest first: open ones and the history of done and failed ones.</summary>
    public async Task<IReadOnlyList<BuybackJob>> JobsAsync(string model, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var jobs = new List<BuybackJob>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(model)} and RowKey gt {JobPrefix} and RowKey lt {"job}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            jobs.Add(ToJob(row));
        }

        return [.. jobs.OrderByDescending(j => j.PlannedAt)];
    }

    /// <summary>
    /// Inserts a planned job and reserves its amount against <paramref name="seen"/> (the totals it was
    /// planned from). Planned: written now; Exists: a job with this id was planned before (nothing
    /// written); Moved: the totals changed meanwhile, plan again.
    /// </summary>
    public async Task<PlanWrite> PlanAsync(BuybackJob job, BuybackTotals seen, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(job.Model);
        var totals = new TableEntity(partition, TotalsRow) { ["Bought"] = seen.Bought + job.AmountIn, ["Collected"] = seen.Collected };
        TableTransactionAction reserve = seen.Version is null
            ? new(TableTransactionActionType.Add, totals)
            : new(TableTransactionActionType.UpdateReplace, totals, new ETag(seen.Version));
        try
        {
            await _table.SubmitTransactionAsync([reserve, new(TableTransactionActionType.Add, ToEntity(job))], cancellationToken);
            return PlanWrite.Planned;
        }
        catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return await GetAsync(job.Model, job.Id, cancellationToken) is null ? PlanWrite.Moved : PlanWrite.Exists;
        }
    }

    /// <summary>
    /// Replaces <paramref name="from"/> with <paramref name="to"/> if the stored job is still
    /// <paramref name="from"/> (its ETag), moving the totals by the deltas in the same transaction.
    /// Returns the stored job after the write, or null when another worker moved it first (read it again).
    /// </summary>
    public async Task<BuybackJob?> TransitionAsync(BuybackJob from, BuybackJob to, CancellationToken cancellationToken, long boughtDelta = 0, long collectedDelta = 0)
    {
        await EnsureTableAsync(cancellationToken);
        var entity = ToEntity(to);
        while (true)
        {
            List<TableTransactionAction> actions = [new(TableTransactionActionType.UpdateReplace, entity, new ETag(from.Version!))];
            if (boughtDelta != 0 || collectedDelta != 0)
            {
                var totals = await TotalsAsync(to.Model, cancellationToken);
                actions.Add(new(
                    TableTransactionActionType.UpdateReplace,
                    new TableEntity(Partition(to.Model), TotalsRow) { ["Bought"] = totals.Bought + boughtDelta, ["Collected"] = totals.Collected + collectedDelta },
                    new ETag(totals.Version!)));
            }

            try
            {
                var response = await _table.SubmitTransactionAsync(actions, cancellationToken);
                return to with { Version = response.Value[0].Headers.ETag?.ToString() };
            }
            catch (TableTransactionFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
            {
                if (actions.Count == 1 || e.FailedTransactionActionIndex == 0)
                {
                    return null; // the job moved: the caller reads it again
                }

                // Only the totals moved (another job of this vault): read them again.
            }
        }
    }

    public static string JobId(string vaultUsdcAccount, DateTimeOffset windowStart) =>
        vaultUsdcAccount + "-" + windowStart.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    public static string Partition(string model) => model.Replace('/', '~');

    private static TableEntity ToEntity(BuybackJob job) => new(Partition(job.Model), JobPrefix + job.Id)
    {
        ["Model"] = job.Model, ["Mint"] = job.Mint, ["TokenProgram"] = job.TokenProgram, ["Decimals"] = (int)job.Decimals,
        ["VaultAuthority"] = job.VaultAuthority, ["VaultUsdcAccount"] = job.VaultUsdcAccount, ["Custody"] = job.Custody.ToString(), ["ListingAccount"] = job.ListingAccount,
        ["State"] = job.State.ToString(), ["AmountIn"] = job.AmountIn, ["PlannedAt"] = job.PlannedAt, ["UpdatedAt"] = job.UpdatedAt,
        ["Attempts"] = job.Attempts, ["Collected"] = job.Collected, ["CollectSignature"] = job.CollectSignature,
        ["CollectTransaction"] = job.CollectTransaction, ["CollectLastValidBlockHeight"] = (long)job.CollectLastValidBlockHeight,
        ["Venue"] = job.Venue, ["QuotedOut"] = job.QuotedOut, ["MinimumOut"] = job.MinimumOut, ["PriceImpactBps"] = job.PriceImpactBps,
        ["SwapSignature"] = job.SwapSignature, ["SwapTransaction"] = job.SwapTransaction, ["SwapLastValidBlockHeight"] = (long)job.SwapLastValidBlockHeight,
        ["AmountOut"] = job.AmountOut, ["SwapSlot"] = (long)job.SwapSlot, ["BurnSlot"] = (long)job.BurnSlot, ["BurnedInSwap"] = job.BurnedInSwap, ["BurnSignature"] = job.BurnSignature,
        ["BurnTransaction"] = job.BurnTransaction, ["BurnLastValidBlockHeight"] = (long)job.BurnLastValidBlockHeight, ["Burned"] = job.Burned,
        ["Error"] = job.Error,
    };

    private static BuybackJob ToJob(TableEntity e) => new()
    {
        Id = e.RowKey[JobPrefix.Length..],
        Model = e.GetString("Model"),
        Mint = e.GetString("Mint"),
        TokenProgram = e.GetString("TokenProgram"),
        Decimals = (byte)(e.GetInt32("Decimals") ?? 0),
        VaultAuthority = e.GetString("VaultAuthority"),
        VaultUsdcAccount = e.GetString("VaultUsdcAccount"),
        Custody = Enum.Parse<VaultCustody>(e.GetString("Custody")),
        ListingAccount = e.GetString("ListingAccount"),
        State = Enum.Parse<BuybackState>(e.GetString("State")),
        AmountIn = e.GetInt64("AmountIn") ?? 0,
        PlannedAt = e.GetDateTimeOffset("PlannedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
        Attempts = e.GetInt32("Attempts") ?? 0,
        Collected = e.GetInt64("Collected") ?? 0,
        CollectSignature = e.GetString("CollectSignature"),
        CollectTransaction = e.GetBinary("CollectTransaction"),
        CollectLastValidBlockHeight = (ulong)(e.GetInt64("CollectLastValidBlockHeight") ?? 0),
        Venue = e.GetString("Venue"),
        QuotedOut = e.GetInt64("QuotedOut") ?? 0,
        MinimumOut = e.GetInt64("MinimumOut") ?? 0,
        PriceImpactBps = e.GetInt32("PriceImpactBps") ?? 0,
        SwapSignature = e.GetString("SwapSignature"),
        SwapTransaction = e.GetBinary("SwapTransaction"),
        SwapLastValidBlockHeight = (ulong)(e.GetInt64("SwapLastValidBlockHeight") ?? 0),
        AmountOut = e.GetInt64("AmountOut") ?? 0,
        SwapSlot = (ulong)(e.GetInt64("SwapSlot") ?? 0),
        BurnSlot = (ulong)(e.GetInt64("BurnSlot") ?? 0),
        BurnedInSwap = e.GetInt64("BurnedInSwap") ?? 0,
        BurnSignature = e.GetString("BurnSignature"),
        BurnTransaction = e.GetBinary("BurnTransaction"),
        BurnLastValidBlockHeight = (ulong)(e.GetInt64("BurnLastValidBlockHeight") ?? 0),
        Burned = e.GetInt64("Burned") ?? 0,
        Error = e.GetString("Error"),
        Version = e.ETag.ToString(),
    };

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }
}
