using Bourse.Payments.X402;
using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Bourse.Solana.Rpc.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback.Harvest;

/// <summary>
/// Collects the transfer fees Token-2022 listings withhold: finds the mint's token accounts with
/// withheld fees (<c>getProgramAccounts</c> by mint and account type), harvests them into the mint with
/// <c>HarvestWithheldTokensToMint</c> in as few transactions as fit, then withdraws the mint's withheld
/// fees to the treasury's account with the withdraw authority. Harvesting is permissionless and
/// repeatable; the withdrawal is recorded before it is sent and a later run confirms it by signature.
/// </summary>
public sealed partial class FeeHarvester(
    FeeHarvests harvests,
    SolanaRpcClient rpc,
    TransactionSender sender,
    IOptions<BuybackOptions> buyback,
    IOptions<HarvestOptions> options,
    IOptions<X402Options> x402,
    TimeProvider time,
    ILogger<FeeHarvester> logger)
{
    private const int AccountTypeAccount = 2;

    private readonly Keypair? _payer = buyback.Value.Crank();
    private readonly Keypair? _withdrawAuthority = options.Value.WithdrawAuthority();

    /// <summary>Harvests every Token-2022 listing's mint; returns what each run recorded.</summary>
    public async Task<IReadOnlyList<FeeHarvest>> RunAsync(IReadOnlyList<BuybackVault> listings, CancellationToken cancellationToken)
    {
        if (_payer is null)
        {
            Log.NoPayer(logger);
            return [];
        }

        var done = new List<FeeHarvest>();
        foreach (var listing in listings.Where(l => l.TokenProgram == ProgramIds.Token2022).DistinctBy(l => l.Mint))
        {
            foreach (var open in (await harvests.ListAsync(listing.Mint.ToString(), cancellationToken)).Where(h => h.Withdrawal == FeeWithdrawalState.Sent))
            {
                done.Add(await FinishWithdrawalAsync(open, cancellationToken));
            }

            if (await HarvestAsync(listing, cancellationToken) is { } harvest)
            {
                done.Add(harvest);
            }
        }

        return done;
    }

    private async Task<FeeHarvest?> HarvestAsync(BuybackVault listing, CancellationToken cancellationToken)
    {
        var payer = _payer!;
        var mint = listing.Mint;
        var withheld = await rpc.GetProgramAccountsAsync(
            ProgramIds.Token2022.ToString(),
            [ProgramAccountFilter.Memcmp(TokenAccount.Layout.Mint, mint.Bytes), ProgramAccountFilter.Memcmp(Token2022Extensions.AccountTypeOffset, [AccountTypeAccount])],
            cancellationToken: cancellationToken);
        if (!withheld.IsSuccess)
        {
            Log.ChainUnavailable(logger, listing.Model);
            return null;
        }

        var sources = withheld.Value!.Value
            .Select(a => (Key: PublicKey.Parse(a.Pubkey), Withheld: (long)(Token2022Extensions.Read(a.Account.Data).TransferFeeAmount?.WithheldAmount ?? 0)))
            .Where(a => a.Withheld > 0)
            .ToList();
        var harvest = new FeeHarvest { Id = FeeHarvests.NewId(time.GetUtcNow()), Model = listing.Model, Mint = mint.ToString(), At = time.GetUtcNow() };
        var signatures = new List<string>();
        if (sources.Sum(s => s.Withheld) >= options.Value.MinimumWithheld)
        {
            foreach (var batch in Batches(sources.Select(s => s.Key).ToList(), payer, mint))
            {
                var outcome = await SendAsync([TransferFeeExtension.HarvestWithheldTokensToMint(mint, batch)], [payer], cancellationToken);
                if (outcome?.Status != SendStatus.Confirmed)
                {
                    Log.HarvestFailed(logger, listing.Model, batch.Count, outcome?.Status.ToString() ?? "no blockhash");
                    continue;
                }

                signatures.Add(outcome.Signature);
                harvest = harvest with { Accounts = harvest.Accounts + batch.Count, Harvested = harvest.Harvested + sources.Where(s => batch.Contains(s.Key)).Sum(s => s.Withheld) };
            }
        }

        harvest = harvest with { HarvestSignatures = signatures };
        harvest = await WithdrawAsync(harvest, cancellationToken);
        if (harvest.Accounts == 0 && harvest.Withdrawal == FeeWithdrawalState.None)
        {
            return null; // nothing withheld anywhere: nothing to record
        }

        await harvests.SaveAsync(harvest, cancellationToken);
        Log.Harvested(logger, listing.Model, harvest.Accounts, harvest.Harvested, harvest.Withdrawn);
        return harvest;
    }

    private async Task<FeeHarvest> WithdrawAsync(FeeHarvest harvest, CancellationToken cancellationToken)
    {
        if (_withdrawAuthority is not { } authority)
        {
            Log.NoWithdrawAuthority(logger, harvest.Model);
            return harvest;
        }

        var mint = PublicKey.Parse(harvest.Mint);
        var account = await rpc.GetAccountInfoAsync(harvest.Mint, cancellationToken: cancellationToken);
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!account.IsSuccess || account.Value!.Value is not { } mintAccount || !latest.IsSuccess)
        {
            return harvest with { Error = "the RPC did not answer before the withdrawal" };
        }

        var config = Token2022Extensions.Read(mintAccount.Data).TransferFeeConfig;
        if (config is null || config.WithheldAmount == 0)
        {
            return harvest;
        }

        if (config.WithdrawWithheldAuthority != authority.PublicKey)
        {
            Log.NotOurAuthority(logger, harvest.Model);
            return harvest with { Error = "the withdraw authority is not ours" };
        }

        var payer = _payer!;
        var treasury = PublicKey.Parse(x402.Value.TreasuryAddress);
        var destination = PublicKey.FindAssociatedTokenAddress(treasury, mint, ProgramIds.Token2022);
        var blockhash = latest.Value!.Value;
        var transaction = new Transaction(Message.Compile(payer.PublicKey, blockhash.Blockhash,
        [
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, treasury, mint, ProgramIds.Token2022),
            TransferFeeExtension.WithdrawWithheldTokensFromMint(mint, destination, authority.PublicKey),
        ])).Sign(payer, authority);
        harvest = harvest with
        {
            TreasuryAccount = destination.ToString(), Withdrawal = FeeWithdrawalState.Sent, WithdrawSignature = transaction.Id,
            WithdrawTransaction = transaction.Serialize(), WithdrawLastValidBlockHeight = blockhash.LastValidBlockHeight,
        };
        await harvests.SaveAsync(harvest, cancellationToken); // recorded before it is sent
        return await FinishWithdrawalAsync(harvest, cancellationToken);
    }

    private async Task<FeeHarvest> FinishWithdrawalAsync(FeeHarvest harvest, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAndConfirmAsync(harvest.WithdrawTransaction!, harvest.WithdrawLastValidBlockHeight, cancellationToken);
        if (outcome.Status is not (SendStatus.Confirmed or SendStatus.Failed))
        {
            outcome = await sender.CheckAsync(harvest.WithdrawSignature!, harvest.WithdrawLastValidBlockHeight, cancellationToken);
        }

        switch (outcome.Status)
        {
            case SendStatus.Confirmed:
                var landed = await rpc.GetTransactionAsync(harvest.WithdrawSignature!, cancellationToken: cancellationToken);
                if (landed.Value?.Meta is not { } meta)
                {
                    return harvest; // landed but not readable yet: the next run records the amount
                }

                long Held(IReadOnlyList<TokenBalance>? balances) => (long)(balances ?? [])
                    .Where(b => b.Mint == harvest.Mint && b.Owner == x402.Value.TreasuryAddress).Sum(b => (decimal)b.UiTokenAmount.RawAmount);
                harvest = harvest with { Withdrawal = FeeWithdrawalState.Confirmed, Withdrawn = Held(meta.PostTokenBalances) - Held(meta.PreTokenBalances) };
                break;
            case SendStatus.Pending:
                return harvest;
            default:
                harvest = harvest with { Withdrawal = FeeWithdrawalState.Abandoned, Error = $"withdrawal {outcome.Status}: {outcome.Error}" };
                break;
        }

        await harvests.SaveAsync(harvest, cancellationToken);
        return harvest;
    }

    /// <summary>Splits the sources into harvest instructions that each fit one transaction with the payer's signature.</summary>
    private static IEnumerable<List<PublicKey>> Batches(List<PublicKey> sources, Keypair payer, PublicKey mint)
    {
        var blockhash = new PublicKey(new byte[32]).ToString();
        var start = 0;
        while (start < sources.Count)
        {
            var count = Math.Min(64, sources.Count - start);
            while (count > 1 && new Transaction(Message.Compile(payer.PublicKey, blockhash,
                [TransferFeeExtension.HarvestWithheldTokensToMint(mint, sources.GetRange(start, count))])).Size > Transaction.MaxSize)
            {
                count--;
            }

            yield return sources.GetRange(start, count);
            start += count;
        }
    }

    private async Task<SendOutcome?> SendAsync(IReadOnlyList<TransactionInstruction> instructions, Keypair[] signers, CancellationToken cancellationToken)
    {
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            return null;
        }

        var blockhash = latest.Value!.Value;
        var transaction = new Transaction(Message.Compile(signers[0].PublicKey, blockhash.Blockhash, instructions)).Sign(signers);
        return await sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(4200, LogLevel.Warning, "Fee harvest: no crank keypair is configured (Buyback:CrankKeypair) to pay for it; nothing is harvested")]
        public static partial void NoPayer(ILogger logger);

        [LoggerMessage(4201, LogLevel.Warning, "Fee harvest {Model}: the Solana RPC did not answer; not harvested this run")]
        public static partial void ChainUnavailable(ILogger logger, string model);

        [LoggerMessage(4202, LogLevel.Warning, "Fee harvest {Model}: a batch of {Count} accounts did not land ({Status}); the next run harvests them")]
        public static partial void HarvestFailed(ILogger logger, string model, int count, string status);

        [LoggerMessage(4203, LogLevel.Information, "Fee harvest {Model}: {Accounts} accounts harvested ({Harvested}), {Withdrawn} withdrawn to the treasury")]
        public static partial void Harvested(ILogger logger, string model, int accounts, long harvested, long withdrawn);

        [LoggerMessage(4204, LogLevel.Warning, "Fee harvest {Model}: no withdraw authority is configured (Harvest:WithdrawAuthorityKeypair); fees wait in the mint")]
        public static partial void NoWithdrawAuthority(ILogger logger, string model);

        [LoggerMessage(4205, LogLevel.Warning, "Fee harvest {Model}: the mint's withdraw authority is not the configured key; fees wait in the mint")]
        public static partial void NotOurAuthority(ILogger logger, string model);
    }
}
