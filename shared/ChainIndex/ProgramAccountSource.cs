using System.Security.Cryptography;
using Azure.Data.Tables;
using Bourse.Quasar;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;

namespace Bourse.ChainIndex;

/// <summary>
/// The program's accounts, type by type: <c>getProgramAccounts</c> with the type's discriminator as a memcmp filter,
/// decoded by the IDL into <c>ProgramAccounts</c>. Only rows whose data changed are written; rows of accounts that
/// are gone (closed) are deleted. Returns every listing, changed or not.
/// </summary>
public sealed partial class ProgramAccountSource(SolanaRpcClient rpc, ChainTables tables, ChangeCache cache, ILogger<ProgramAccountSource> logger)
{
    public async Task<IReadOnlyList<ChainListing>?> RunAsync(QuasarIdl idl, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        List<ChainListing>? listings = null;
        foreach (var type in idl.Accounts)
        {
            var source = $"accounts:{type.Name}";
            try
            {
                var found = await IndexTypeAsync(idl, type, options, report, cancellationToken);
                if (type.Name == ChainListing.AccountType)
                {
                    listings = found;
                }
            }
            catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or RpcFailureException)
            {
                report.Fail(source, e.Message);
                Log.SourceFailed(logger, source, e.Message);
            }
        }

        return listings;
    }

    private async Task<List<ChainListing>> IndexTypeAsync(QuasarIdl idl, IdlAccount type, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var answer = await rpc.GetProgramAccountsAsync(idl.ProgramId.ToString(), [type.Filter], cancellationToken: cancellationToken);
        if (!answer.IsSuccess)
        {
            throw new RpcFailureException($"getProgramAccounts: {answer.Error.Kind} {answer.Error.Message}");
        }

        var slot = (long)answer.Value!.Context.Slot;
        var accounts = answer.Value.Value;
        report.Read(accounts.Length);
        var known = await cache.PartitionAsync(tables.ProgramAccounts, type.Name, cancellationToken);
        var isListing = type.Name == ChainListing.AccountType;
        var listings = new List<ChainListing>();
        var changed = new List<TableEntity>();
        var seen = new HashSet<string>(accounts.Length, StringComparer.Ordinal);
        var decoded = 0;
        foreach (var keyed in accounts)
        {
            var data = keyed.Account.Data;
            var hash = Hash(data);
            var unchanged = known.IsUnchanged(keyed.Pubkey, hash);
            seen.Add(keyed.Pubkey);
            if (unchanged && !isListing)
            {
                continue;
            }

            decoded++;
            if (!type.TryDecode(data, out var record, out var error))
            {
                report.Refused();
                Log.Refused(logger, keyed.Pubkey, type.Name, error);
                continue;
            }

            if (isListing)
            {
                try
                {
                    listings.Add(ChainListing.From(keyed.Pubkey, record, slot));
                }
                catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
                {
                    report.Refused();
                    Log.Refused(logger, keyed.Pubkey, type.Name, e.Message);
                    continue;
                }
            }

            if (!unchanged)
            {
                changed.Add(ProgramAccountColumns.ToEntity(type.Name, keyed.Pubkey, record, slot, data.Length, hash));
            }
        }

        report.Decoded(decoded);
        var written = await TableBatches.UpsertAsync(tables.ProgramAccounts, changed, options.WriteParallelism, cancellationToken);
        foreach (var row in changed)
        {
            known.Rows[row.RowKey] = row.GetString(ChangeCache.HashColumn)!;
        }

        var gone = known.Rows.Keys.Where(k => !seen.Contains(k)).ToList();
        written += await TableBatches.DeleteAsync(tables.ProgramAccounts, type.Name, gone, options.WriteParallelism, cancellationToken);
        foreach (var key in gone)
        {
            known.Rows.TryRemove(key, out _);
        }

        report.WroteAccounts(written);
        return listings;
    }

    internal static string Hash(ReadOnlySpan<byte> data)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(data, digest);
        return Convert.ToHexString(digest[..16]);
    }

    private static partial class Log
    {
        [LoggerMessage(6000, LogLevel.Warning, "Indexer: account {Address} is not a valid {Type}: {Error}")]
        public static partial void Refused(ILogger logger, string address, string type, string error);

        [LoggerMessage(6001, LogLevel.Warning, "Indexer: source {Source} failed: {Reason}")]
        public static partial void SourceFailed(ILogger logger, string source, string reason);
    }
}
