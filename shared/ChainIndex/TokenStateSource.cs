using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Bourse.Solana.Rpc.Models;
using Microsoft.Extensions.Logging;

namespace Bourse.ChainIndex;

/// <summary>
/// Listed models' mints (supply, decimals, Token-2022 transfer fee, fees withheld in the mint and in its token
/// accounts) and vaults (USDC
/// held), read 100 accounts per <c>getMultipleAccounts</c> into <c>ModelMints</c> and <c>ModelVaults</c>; only rows
/// whose content changed are written (the slot alone is no change).
/// </summary>
public sealed partial class TokenStateSource(SolanaRpcClient rpc, ChainTables tables, ChangeCache cache, ILogger<TokenStateSource> logger)
{
    private const byte AccountTypeAccount = 2;

    private const int MaxAccountsPerCall = 100;

    public async Task RunAsync(IReadOnlyList<ChainListing> listings, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        try
        {
            await IndexAsync(listings, options, report, cancellationToken);
        }
        catch (Exception e) when (SourceFailure.IsSourceFailure(e))
        {
            report.Fail("tokens", e.Message);
            Log.Failed(logger, e.Message);
        }
    }

    private async Task IndexAsync(IReadOnlyList<ChainListing> listings, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var byMint = listings.GroupBy(l => l.Mint, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var byVault = listings.GroupBy(l => l.VaultUsdcAccount, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var addresses = byMint.Keys.Concat(byVault.Keys).Distinct(StringComparer.Ordinal).ToList();
        var mints = new List<TableEntity>();
        var vaults = new List<TableEntity>();
        var knownMints = await cache.PartitionAsync(tables.Mints, ChainTables.MintPartition, cancellationToken);
        var knownVaults = await cache.PartitionAsync(tables.Vaults, ChainTables.VaultPartition, cancellationToken);
        var withheld = await WithheldInAccountsAsync(byMint.Values.Where(l => l.TokenProgram == ProgramIds.Token2022.ToString()).Select(l => l.Mint), report, cancellationToken);
        foreach (var chunk in addresses.Chunk(MaxAccountsPerCall))
        {
            var answer = await rpc.GetMultipleAccountsAsync(chunk, cancellationToken: cancellationToken);
            if (!answer.IsSuccess)
            {
                throw new RpcFailureException($"getMultipleAccounts: {answer.Error.Kind} {answer.Error.Message}");
            }

            var slot = (long)answer.Value!.Context.Slot;
            for (var i = 0; i < chunk.Length; i++)
            {
                if (answer.Value.Value[i] is not { } account)
                {
                    Log.Missing(logger, chunk[i]);
                    continue;
                }

                if (byMint.TryGetValue(chunk[i], out var listing) && MintRow(listing, account, slot) is { } mint
                    && (mint.TransferFeeBasisPoints is null || withheld.ContainsKey(mint.Mint))) // unknown withheld fees: the stored row stays
                {
                    AddIfChanged(mints, knownMints, ChainTables.ToEntity(mint with { WithheldInAccounts = mint.TransferFeeBasisPoints is null ? 0 : withheld[mint.Mint] }));
                }

                if (byVault.TryGetValue(chunk[i], out listing) && VaultRow(listing, account, slot) is { } vault)
                {
                    AddIfChanged(vaults, knownVaults, ChainTables.ToEntity(vault));
                }
            }
        }

        var written = await TableBatches.UpsertAsync(tables.Mints, mints, options.WriteParallelism, cancellationToken);
        Remember(knownMints, mints);
        written += await TableBatches.UpsertAsync(tables.Vaults, vaults, options.WriteParallelism, cancellationToken);
        Remember(knownVaults, vaults);
        report.WroteTokens(written);
    }

    /// <summary>
    /// Per Token-2022 mint, the transfer fees withheld in its token accounts (not harvested to the mint yet): the
    /// mint's token accounts by <c>getProgramAccounts</c> (mint at offset 0, account type "account"), as the fee
    /// harvester finds them. One call per Token-2022 listing per cycle.
    /// </summary>
    private async Task<Dictionary<string, long>> WithheldInAccountsAsync(IEnumerable<string> mints, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var withheld = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var mint in mints.Distinct(StringComparer.Ordinal))
        {
            var answer = await rpc.GetProgramAccountsAsync(
                ProgramIds.Token2022.ToString(),
                [ProgramAccountFilter.Memcmp(TokenAccount.Layout.Mint, Bourse.Solana.PublicKey.Parse(mint).Bytes), ProgramAccountFilter.Memcmp(Token2022Extensions.AccountTypeOffset, [AccountTypeAccount])],
                cancellationToken: cancellationToken);
            if (!answer.IsSuccess)
            {
                // This mint's row is not written this cycle (its vault and the other mints still are).
                report.Fail($"tokens:withheld:{mint}", $"getProgramAccounts: {answer.Error.Kind} {answer.Error.Message}");
                Log.Failed(logger, $"withheld fees of {mint}: {answer.Error.Message}");
                continue;
            }

            withheld[mint] = answer.Value!.Value.Sum(a => checked((long)(Token2022Extensions.Read(a.Account.Data).TransferFeeAmount?.WithheldAmount ?? 0)));
        }

        return withheld;
    }

    private MintState? MintRow(ChainListing listing, AccountInfo account, long slot)
    {
        if (account.Owner != ProgramIds.Token.ToString() && account.Owner != ProgramIds.Token2022.ToString())
        {
            Log.NotToken(logger, listing.Mint, account.Owner);
            return null;
        }

        var mint = MintAccount.Deserialize(account.Data);
        var fee = account.Owner == ProgramIds.Token2022.ToString() ? Token2022Extensions.Read(account.Data).TransferFeeConfig : null;
        // Without the current epoch at hand, the newer fee is the one reported (both are equal unless a change is pending).
        var inForce = fee?.NewerFee;
        return new MintState(listing.Mint, listing.ModelId, listing.Address, account.Owner, checked((long)mint.Supply), mint.Decimals,
            inForce?.BasisPoints, inForce is null ? null : checked((long)inForce.MaximumFee), checked((long)(fee?.WithheldAmount ?? 0)), slot);
    }

    private VaultState? VaultRow(ChainListing listing, AccountInfo account, long slot)
    {
        if (account.Data.Length < TokenAccount.Layout.Length)
        {
            Log.NotToken(logger, listing.VaultUsdcAccount, account.Owner);
            return null;
        }

        var vault = TokenAccount.Deserialize(account.Data);
        return new VaultState(listing.VaultUsdcAccount, listing.ModelId, listing.Address, listing.Mint, vault.Owner.ToString(), checked((long)vault.Amount), slot);
    }

    private static void AddIfChanged(List<TableEntity> rows, ChangeCache.Partition known, TableEntity row)
    {
        var hash = ContentHash(row);
        row[ChangeCache.HashColumn] = hash;
        if (!known.IsUnchanged(row.RowKey, hash))
        {
            rows.Add(row);
        }
    }

    private static void Remember(ChangeCache.Partition known, List<TableEntity> rows)
    {
        foreach (var row in rows)
        {
            known.Rows[row.RowKey] = row.GetString(ChangeCache.HashColumn)!;
        }
    }

    /// <summary>A hash of every column but the slot and the hash itself.</summary>
    private static string ContentHash(TableEntity row)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in row.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (key is "Slot" or ChangeCache.HashColumn or "odata.etag" or "Timestamp")
            {
                continue;
            }

            text.Append(key).Append('=').Append(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..16]);
    }

    private static partial class Log
    {
        [LoggerMessage(6010, LogLevel.Warning, "Indexer: mints and vaults failed: {Reason}")]
        public static partial void Failed(ILogger logger, string reason);

        [LoggerMessage(6011, LogLevel.Warning, "Indexer: listed account {Address} does not exist")]
        public static partial void Missing(ILogger logger, string address);

        [LoggerMessage(6012, LogLevel.Warning, "Indexer: listed account {Address} is not a token account or mint (owner {Owner})")]
        public static partial void NotToken(ILogger logger, string address, string owner);
    }
}
