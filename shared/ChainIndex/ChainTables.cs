using System.Runtime.CompilerServices;
using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.ChainIndex;

/// <summary>
/// The indexer's tables and how their rows read: <see cref="MintState"/> (<c>ModelMints</c>), <see cref="VaultState"/>
/// (<c>ModelVaults</c>), <see cref="ChainFact"/> (<c>ChainHistory</c>), the program's accounts decoded by the IDL
/// (<c>ProgramAccounts</c>: partition the IDL account type, one row per shard of addresses, see
/// <see cref="ProgramAccountShards"/>; read with <see cref="ProgramAccountAsync"/> and <see cref="ProgramAccountsAsync"/>) and the
/// indexer's checkpoints and lease (<c>IndexerState</c>). The market API reads through the read methods here.
/// </summary>
/// <param name="prefix">Prepended to every table name (tests use a private prefix on the shared storage).</param>
public sealed class ChainTables(TableServiceClient service, string prefix = "")
{
    public const string MintPartition = "mint";
    public const string VaultPartition = "vault";

    public TableClient ProgramAccounts { get; } = service.GetTableClient(prefix + TableNames.ProgramAccounts);

    public TableClient Mints { get; } = service.GetTableClient(prefix + TableNames.ModelMints);

    public TableClient Vaults { get; } = service.GetTableClient(prefix + TableNames.ModelVaults);

    public TableClient History { get; } = service.GetTableClient(prefix + TableNames.ChainHistory);

    public TableClient State { get; } = service.GetTableClient(prefix + TableNames.IndexerState);

    public async Task CreateAsync(CancellationToken cancellationToken)
    {
        foreach (var table in new[] { ProgramAccounts, Mints, Vaults, History, State })
        {
            await table.CreateIfNotExistsAsync(cancellationToken);
        }
    }

    /// <summary>
    /// One program account as last indexed, or null when it is not stored: the type's shard count is read from its row
    /// keys (RowKey only, one row per shard), then the one shard that holds the address.
    /// </summary>
    public async Task<StoredProgramAccount?> ProgramAccountAsync(string accountType, string address, CancellationToken cancellationToken)
    {
        var counts = new HashSet<int>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountType}");
        await foreach (var row in ProgramAccounts.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            if (ProgramAccountShards.ShardCountOf(row.RowKey) is { } n)
            {
                counts.Add(n);
            }
        }

        foreach (var count in counts)
        {
            var shard = await ProgramAccounts.GetEntityIfExistsAsync<TableEntity>(accountType, ProgramAccountShards.RowKey(count, ProgramAccountShards.ShardOf(address, count)), cancellationToken: cancellationToken);
            if (shard.HasValue && ProgramAccountShards.Read(shard.Value!).FirstOrDefault(a => a.Address == address) is { } account)
            {
                return account;
            }
        }

        return null;
    }

    /// <summary>Every stored program account of a type, shard by shard (in no particular order).</summary>
    public async IAsyncEnumerable<StoredProgramAccount> ProgramAccountsAsync(string accountType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountType}");
        await foreach (var row in ProgramAccounts.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            foreach (var account in ProgramAccountShards.Read(row))
            {
                yield return account;
            }
        }
    }

    /// <summary>Every listed model's mint, as of the last indexer cycle.</summary>
    public async Task<IReadOnlyList<MintState>> MintsAsync(CancellationToken cancellationToken)
    {
        var mints = new List<MintState>();
        await foreach (var row in Mints.QueryAsync<TableEntity>(e => e.PartitionKey == MintPartition, cancellationToken: cancellationToken))
        {
            mints.Add(ToMint(row));
        }

        return mints;
    }

    /// <summary>Every listed model's vault, as of the last indexer cycle.</summary>
    public async Task<IReadOnlyList<VaultState>> VaultsAsync(CancellationToken cancellationToken)
    {
        var vaults = new List<VaultState>();
        await foreach (var row in Vaults.QueryAsync<TableEntity>(e => e.PartitionKey == VaultPartition, cancellationToken: cancellationToken))
        {
            vaults.Add(ToVault(row));
        }

        return vaults;
    }

    /// <summary>A model's history (by its mint), optionally only facts from <paramref name="since"/> on; in no particular order.</summary>
    public async IAsyncEnumerable<ChainFact> HistoryAsync(string mint, DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = since is { } from
            ? TableClient.CreateQueryFilter($"PartitionKey eq {mint} and BlockTime ge {from}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {mint}");
        await foreach (var row in History.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            yield return ToFact(row);
        }
    }

    public static TableEntity ToEntity(MintState m) => new(MintPartition, m.Mint)
    {
        ["ModelId"] = m.ModelId,
        ["Listing"] = m.Listing,
        ["TokenProgram"] = m.TokenProgram,
        ["Supply"] = m.Supply,
        ["Decimals"] = (int)m.Decimals,
        ["TransferFeeBasisPoints"] = m.TransferFeeBasisPoints,
        ["TransferFeeMaximum"] = m.TransferFeeMaximum,
        ["WithheldInMint"] = m.WithheldInMint,
        ["WithheldInAccounts"] = m.WithheldInAccounts,
        ["Slot"] = m.Slot,
    };

    public static MintState ToMint(TableEntity e) => new(
        e.RowKey, e.GetString("ModelId") ?? "", e.GetString("Listing") ?? "", e.GetString("TokenProgram") ?? "",
        e.GetInt64("Supply") ?? 0, (byte)(e.GetInt32("Decimals") ?? 0), e.GetInt32("TransferFeeBasisPoints"), e.GetInt64("TransferFeeMaximum"),
        e.GetInt64("WithheldInMint") ?? 0, e.GetInt64("Slot") ?? 0, e.GetInt64("WithheldInAccounts") ?? 0);

    public static TableEntity ToEntity(VaultState v) => new(VaultPartition, v.VaultUsdcAccount)
    {
        ["ModelId"] = v.ModelId,
        ["Listing"] = v.Listing,
        ["Mint"] = v.Mint,
        ["Authority"] = v.Authority,
        ["Amount"] = v.Amount,
        ["Slot"] = v.Slot,
    };

    public static VaultState ToVault(TableEntity e) => new(
        e.RowKey, e.GetString("ModelId") ?? "", e.GetString("Listing") ?? "", e.GetString("Mint") ?? "", e.GetString("Authority") ?? "",
        e.GetInt64("Amount") ?? 0, e.GetInt64("Slot") ?? 0);

    public static TableEntity ToEntity(ChainFact f) => new(f.Mint, f.RowKey)
    {
        ["Signature"] = f.Signature,
        ["Index"] = f.Index,
        ["Kind"] = f.Kind.ToString(),
        ["ModelId"] = f.ModelId,
        ["Amount"] = f.Amount,
        ["Account"] = f.Account,
        ["Counterparty"] = f.Counterparty,
        ["EventName"] = f.EventName,
        ["EventJson"] = f.EventJson,
        ["Slot"] = f.Slot,
        ["BlockTime"] = f.BlockTime,
    };

    public static ChainFact ToFact(TableEntity e) => new(
        e.PartitionKey, e.GetString("Signature") ?? "", e.GetString("Index") ?? "",
        Enum.TryParse<ChainFactKind>(e.GetString("Kind"), out var kind) ? kind : ChainFactKind.Event,
        e.GetString("ModelId") ?? "", e.GetInt64("Amount") ?? 0, e.GetString("Account"), e.GetString("Counterparty"),
        e.GetString("EventName"), e.GetString("EventJson"), e.GetInt64("Slot") ?? 0, e.GetDateTimeOffset("BlockTime"));
}
