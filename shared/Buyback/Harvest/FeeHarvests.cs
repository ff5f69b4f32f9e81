using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Buyback.Harvest;

/// <summary>The record of fee harvests (table <see cref="TableNames.FeeHarvests"/>, one partition per mint, newest first).</summary>
public sealed class FeeHarvests(TableServiceClient tables)
{
    private readonly TableClient _table = tables.GetTableClient(TableNames.FeeHarvests);
    private volatile bool _created;

    public async Task SaveAsync(FeeHarvest harvest, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await _table.UpsertEntityAsync(ToEntity(harvest), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The mint's harvests, newest first.</summary>
    public async Task<IReadOnlyList<FeeHarvest>> ListAsync(string mint, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var list = new List<FeeHarvest>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {mint}"), cancellationToken: cancellationToken))
        {
            list.Add(ToHarvest(row));
        }

        return list;
    }

    /// <summary>A row key that sorts newest first and is unique per run.</summary>
    public static string NewId(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    private static TableEntity ToEntity(FeeHarvest h) => new(h.Mint, h.Id)
    {
        ["Model"] = h.Model, ["At"] = h.At, ["Accounts"] = h.Accounts, ["Harvested"] = h.Harvested,
        ["HarvestSignatures"] = string.Join(';', h.HarvestSignatures), ["TreasuryAccount"] = h.TreasuryAccount,
        ["Withdrawal"] = h.Withdrawal.ToString(), ["WithdrawSignature"] = h.WithdrawSignature, ["WithdrawTransaction"] = h.WithdrawTransaction,
        ["WithdrawLastValidBlockHeight"] = (long)h.WithdrawLastValidBlockHeight, ["Withdrawn"] = h.Withdrawn, ["Error"] = h.Error,
    };

    private static FeeHarvest ToHarvest(TableEntity e) => new()
    {
        Id = e.RowKey,
        Mint = e.PartitionKey,
        Model = e.GetString("Model"),
        At = e.GetDateTimeOffset("At") ?? default,
        Accounts = e.GetInt32("Accounts") ?? 0,
        Harvested = e.GetInt64("Harvested") ?? 0,
        HarvestSignatures = e.GetString("HarvestSignatures") is { Length: > 0 } s ? s.Split(';') : [],
        TreasuryAccount = e.GetString("TreasuryAccount"),
        Withdrawal = Enum.Parse<FeeWithdrawalState>(e.GetString("Withdrawal") ?? nameof(FeeWithdrawalState.None)),
        WithdrawSignature = e.GetString("WithdrawSignature"),
        WithdrawTransaction = e.GetBinary("WithdrawTransaction"),
        WithdrawLastValidBlockHeight = (ulong)(e.GetInt64("WithdrawLastValidBlockHeight") ?? 0),
        Withdrawn = e.GetInt64("Withdrawn") ?? 0,
        Error = e.GetString("Error"),
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
