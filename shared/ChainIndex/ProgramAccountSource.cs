using Azure.Data.Tables;
using Bourse.Quasar;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;

namespace Bourse.ChainIndex;

/// <summary>
/// The program's accounts, type by type: <c>getProgramAccounts</c> with the type's discriminator as a memcmp filter,
/// decoded by the IDL into <c>ProgramAccounts</c>, packed into shard rows (<see cref="ProgramAccountShards"/>). Only
/// shards whose content changed are decoded and written; a closed account leaves its shard (rewritten, or deleted
/// when empty). Returns every listing, changed or not.
/// </summary>
public sealed partial class ProgramAccountSource(SolanaRpcClient rpc, ChainTables tables, ChangeCache cache, ILogger<ProgramAccountSource> logger)
{
    /// <summary>Indexes every account type; returns the listings, or null when they could not be read this cycle.</summary>
    public async Task<ListingsRead?> RunAsync(QuasarIdl idl, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        // Two types at a time: one type's getProgramAccounts answer is read while another's shards are written.
        ListingsRead? listings = null;
        await Parallel.ForEachAsync(idl.Accounts, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, async (type, ct) =>
        {
            var source = $"accounts:{type.Name}";
            try
            {
                var found = await IndexTypeAsync(idl, type, options, report, ct);
                if (type.Name == ChainListing.AccountType)
                {
                    listings = found;
                }
            }
            catch (Exception e) when (SourceFailure.IsSourceFailure(e))
            {
                report.Fail(source, e.Message);
                Log.SourceFailed(logger, source, e.Message);
            }
        });

        return listings;
    }

    private async Task<ListingsRead> IndexTypeAsync(QuasarIdl idl, IdlAccount type, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var answer = await rpc.GetProgramAccountsAsync(idl.ProgramId.ToString(), [type.Filter], cancellationToken: cancellationToken);
        report.AddTime("accounts: fetch", watch.Elapsed);
        if (!answer.IsSuccess)
        {
            throw new RpcFailureException($"getProgramAccounts: {answer.Error.Kind} {answer.Error.Message}");
        }

        var slot = (long)answer.Value!.Context.Slot;
        var accounts = answer.Value.Value;
        report.Read(accounts.Length);
        watch.Restart();
        var known = await cache.PartitionAsync(tables.ProgramAccounts, type.Name, cancellationToken);
        report.AddTime("accounts: read hashes", watch.Elapsed);
        watch.Restart();

        // Shard the accounts by address; a shard whose content hash is what was last written is left alone.
        var current = known.Rows.Keys.Select(ProgramAccountShards.ShardCountOf).Max() ?? 0;
        var shardCount = ProgramAccountShards.ShardCount(type, accounts.Length, accounts.Sum(a => (long)a.Account.Data.Length), current);
        var shards = new List<(string Address, byte[] Data)>?[shardCount];
        foreach (var keyed in accounts)
        {
            (shards[ProgramAccountShards.ShardOf(keyed.Pubkey, shardCount)] ??= []).Add((keyed.Pubkey, keyed.Account.Data));
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var changed = new List<(string RowKey, string Hash, List<(string Address, byte[] Data)> Accounts)>();
        for (var i = 0; i < shardCount; i++)
        {
            if (shards[i] is not { } shard)
            {
                continue;
            }

            shard.Sort((a, b) => string.CompareOrdinal(a.Address, b.Address));
            var key = ProgramAccountShards.RowKey(shardCount, i);
            var hash = ProgramAccountShards.Hash(shard);
            keys.Add(key);
            if (!known.IsUnchanged(key, hash))
            {
                changed.Add((key, hash, shard));
            }
        }

        report.AddTime("accounts: shard+hash", watch.Elapsed);
        watch.Restart();

        // Listings are decoded every cycle (they are few): the registry gets all of them, changed or not.
        var listings = new List<ChainListing>();
        var decodedListings = new Dictionary<string, QuasarRecord>(StringComparer.Ordinal);
        var isListing = type.Name == ChainListing.AccountType;
        if (isListing)
        {
            foreach (var keyed in accounts)
            {
                if (Decode(type, keyed.Pubkey, keyed.Account.Data, report) is not { } record)
                {
                    continue;
                }

                try
                {
                    listings.Add(ChainListing.From(keyed.Pubkey, record, slot));
                    decodedListings[keyed.Pubkey] = record;
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    report.Refused();
                    Log.Refused(logger, keyed.Pubkey, type.Name, e.Message);
                }
            }

            report.Decoded(accounts.Length);
        }

        // Changed shards: decode their accounts and write each shard as one row, several at a time (each row counted as
        // it is written, so a cycle that fails midway still reports, and bumps the generation for, what it wrote).
        await Parallel.ForEachAsync(changed, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.WriteParallelism), CancellationToken = cancellationToken }, async (shard, ct) =>
        {
            var records = new List<(string Address, int Size, QuasarRecord Record)>(shard.Accounts.Count);
            foreach (var (address, data) in shard.Accounts)
            {
                var record = isListing ? decodedListings.GetValueOrDefault(address) : Decode(type, address, data, report);
                if (record is not null)
                {
                    records.Add((address, data.Length, record));
                }
            }

            if (!isListing)
            {
                report.Decoded(shard.Accounts.Count);
            }

            var entity = ProgramAccountShards.ToEntity(type.Name, shard.RowKey, records, slot, shard.Hash);
            await tables.ProgramAccounts.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
            known.Rows[shard.RowKey] = shard.Hash;
            report.WroteAccounts(records.Count);
            report.WroteAccountRows(1);
        });

        report.AddTime("accounts: decode+write", watch.Elapsed);
        watch.Restart();

        // Shards now empty (their accounts closed) or of a former shard count.
        var gone = known.Rows.Keys.Where(k => !keys.Contains(k)).ToList();
        report.WroteAccountRows(await TableBatches.DeleteAsync(tables.ProgramAccounts, type.Name, gone, options.WriteParallelism, cancellationToken));
        foreach (var key in gone)
        {
            known.Rows.TryRemove(key, out _);
        }

        report.AddTime("accounts: decode+write", watch.Elapsed);
        return new ListingsRead(listings, isListing ? accounts.Select(a => a.Pubkey).ToHashSet(StringComparer.Ordinal) : new HashSet<string>(), slot);
    }

    private QuasarRecord? Decode(IdlAccount type, string address, byte[] data, IndexerCycleReport report)
    {
        if (type.TryDecode(data, out var record, out var error))
        {
            return record;
        }

        report.Refused();
        Log.Refused(logger, address, type.Name, error);
        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(6000, LogLevel.Warning, "Indexer: account {Address} is not a valid {Type}: {Error}")]
        public static partial void Refused(ILogger logger, string address, string type, string error);

        [LoggerMessage(6001, LogLevel.Warning, "Indexer: source {Source} failed: {Reason}")]
        public static partial void SourceFailed(ILogger logger, string source, string reason);
    }
}
