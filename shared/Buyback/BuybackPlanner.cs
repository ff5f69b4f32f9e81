using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback;

/// <summary>
/// Plans one buyback job per vault and planning window when the vault's eligible creator-fee USDC
/// reaches <see cref="BuybackOptions.Threshold"/>, and puts it on the <c>buyback</c> queue. Eligible is
/// what the ledger says the creator owns in the vault (its fees paid straight in, plus sweeps, less
/// what jobs already bought) and what the vault holds beyond the treasury's uncollected share, whichever
/// is less; a job takes at most <see cref="BuybackOptions.MaxAmountPerJob"/>. A vault with an open job gets
/// no new one; its job is queued again, which is harmless (the runner resumes it from its recorded state).
/// </summary>
public sealed partial class BuybackPlanner(
    BuybackJobs jobs,
    VaultPayables payables,
    BuybackQueue queue,
    ProgramVaultInstructions program,
    SolanaRpcClient rpc,
    IOptions<BuybackOptions> options,
    TimeProvider time,
    ILogger<BuybackPlanner> logger)
{
    private readonly Keypair? _crank = options.Value.Crank();

    /// <summary>Plans and enqueues what is due; returns the jobs planned or re-queued.</summary>
    public async Task<IReadOnlyList<BuybackJob>> PlanAsync(IReadOnlyList<BuybackVault> vaults, CancellationToken cancellationToken)
    {
        if (_crank is null)
        {
            Log.NoCrank(logger);
            return [];
        }

        var queued = new List<BuybackJob>();
        foreach (var vault in vaults)
        {
            if (Custody(vault) is not { } custody)
            {
                Log.NotOurs(logger, vault.Model, vault.VaultAuthority.ToString());
                continue;
            }

            var open = (await jobs.JobsAsync(vault.Model, cancellationToken)).Where(j => j.IsOpen).ToList();
            if (open.Count > 0)
            {
                foreach (var job in open)
                {
                    await queue.EnqueueAsync(new BuybackMessage(job.Model, job.Id), null, cancellationToken);
                }

                queued.AddRange(open);
                continue;
            }

            if (await PlanVaultAsync(vault, custody, cancellationToken) is { } planned)
            {
                await queue.EnqueueAsync(new BuybackMessage(planned.Model, planned.Id), null, cancellationToken);
                queued.Add(planned);
            }
        }

        return queued;
    }

    /// <summary>The creator-fee USDC a job for this vault could buy with now (before the per-job cap), or null when the chain does not answer.</summary>
    public async Task<(long Eligible, BuybackTotals Totals)?> EligibleAsync(BuybackVault vault, CancellationToken cancellationToken)
    {
        var ledger = await payables.BalanceAsync(vault.Model, cancellationToken);
        var totals = await jobs.TotalsAsync(vault.Model, cancellationToken);
        var held = await rpc.GetTokenAccountBalanceAsync(vault.VaultUsdcAccount.ToString(), cancellationToken);
        if (!held.IsSuccess)
        {
            return null;
        }

        var creatorShare = ledger.CreatorFeesInVault + ledger.Swept - totals.Bought;
        var beyondTreasury = (long)held.Value!.Value.RawAmount - Math.Max(0, ledger.OwedToTreasury - totals.Collected);
        return (Math.Max(0, Math.Min(creatorShare, beyondTreasury)), totals);
    }

    private async Task<BuybackJob?> PlanVaultAsync(BuybackVault vault, VaultCustody custody, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var window = options.Value.PlanningWindow;
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % window.Ticks), TimeSpan.Zero);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (await EligibleAsync(vault, cancellationToken) is not var (eligible, totals))
            {
                Log.ChainUnavailable(logger, vault.Model);
                return null;
            }

            var amount = Math.Min(eligible, options.Value.MaxAmountPerJob);
            if (amount < options.Value.Threshold)
            {
                Log.BelowThreshold(logger, vault.Model, eligible, options.Value.Threshold);
                return null;
            }

            var mint = await rpc.GetAccountInfoAsync(vault.Mint.ToString(), cancellationToken: cancellationToken);
            if (!mint.IsSuccess || mint.Value!.Value is not { } mintAccount)
            {
                Log.ChainUnavailable(logger, vault.Model);
                return null;
            }

            var job = new BuybackJob
            {
                Id = BuybackJobs.JobId(vault.VaultUsdcAccount.ToString(), windowStart),
                Model = vault.Model,
                Mint = vault.Mint.ToString(),
                TokenProgram = vault.TokenProgram.ToString(),
                Decimals = MintAccount.Deserialize(mintAccount.Data).Decimals,
                VaultAuthority = vault.VaultAuthority.ToString(),
                VaultUsdcAccount = vault.VaultUsdcAccount.ToString(),
                Custody = custody,
                ListingAccount = vault.ListingAccount?.ToString(),
                State = BuybackState.Planned,
                AmountIn = amount,
                PlannedAt = now,
                UpdatedAt = now,
            };
            switch (await jobs.PlanAsync(job, totals, cancellationToken))
            {
                case PlanWrite.Planned:
                    Log.Planned(logger, vault.Model, job.Id, amount);
                    return job;
                case PlanWrite.Exists:
                    return null; // planned before in this window (by another run, or done already)
                default:
                    continue; // the totals moved: plan again from fresh figures
            }
        }

        return null;
    }

    private VaultCustody? Custody(BuybackVault vault) =>
        vault.VaultAuthority == _crank!.PublicKey ? VaultCustody.CrankKey
        : program.OwnsVault(vault) ? VaultCustody.Program
        : null;

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Warning, "Buyback: no crank keypair is configured (Buyback:CrankKeypair); nothing is planned")]
        public static partial void NoCrank(ILogger logger);

        [LoggerMessage(4101, LogLevel.Information, "Buyback {Model}: planned {JobId} for {Amount} micro-USDC")]
        public static partial void Planned(ILogger logger, string model, string jobId, long amount);

        [LoggerMessage(4102, LogLevel.Debug, "Buyback {Model}: {Eligible} micro-USDC eligible, under the threshold of {Threshold}")]
        public static partial void BelowThreshold(ILogger logger, string model, long eligible, long threshold);

        [LoggerMessage(4103, LogLevel.Warning, "Buyback {Model}: the Solana RPC did not answer; not planned this run")]
        public static partial void ChainUnavailable(ILogger logger, string model);

        [LoggerMessage(4104, LogLevel.Warning, "Buyback {Model}: the vault's authority {Authority} is neither the crank's key nor the program; skipped")]
        public static partial void NotOurs(ILogger logger, string model, string authority);
    }
}
