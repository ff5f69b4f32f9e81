using Bourse.Listings;
using Bourse.Payments.X402;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Settlement;

/// <summary>
/// Pays creator fees out on chain: for each listing in the registry (whatever its status now: fees earned
/// while it was approved are still its vault's), once its payable reaches <see cref="TreasuryOptions.SweepThreshold"/>, a USDC transfer from the treasury's
/// account to the vault's. Each sweep is a persisted state machine: planned (signed, its signature and
/// bytes recorded, the amount reserved) → sent → confirmed, or abandoned when the chain shows it did
/// nothing. An open sweep is finished before a new one is planned, and finishing starts by asking the
/// chain for its signature, so a crash anywhere never transfers twice.
/// </summary>
public sealed partial class CreatorFeeSweeper(
    VaultPayables payables,
    SolanaRpcClient rpc,
    TransactionSender sender,
    IOptions<TreasuryOptions> treasury,
    IOptions<X402Options> x402,
    ListingRegistry listings,
    TimeProvider time,
    ILogger<CreatorFeeSweeper> logger)
{
    private const byte UsdcDecimals = 6;

    private readonly Keypair? _treasury = TreasuryOptions.ParseKeypair(treasury.Value.Keypair);

    /// <summary>Finishes open sweeps and starts the ones due; returns the sweeps it touched, in their last state.</summary>
    public async Task<IReadOnlyList<Sweep>> RunAsync(CancellationToken cancellationToken)
    {
        if (_treasury is null)
        {
            Log.NoTreasury(logger);
            return [];
        }

        var touched = new List<Sweep>();
        foreach (var vault in (await listings.CurrentAsync(cancellationToken)).All)
        {
            var open = await payables.OpenSweepAsync(vault.ModelId, cancellationToken);
            if (open is not null)
            {
                open = await FinishAsync(open, cancellationToken);
                touched.Add(open);
                if (open.IsOpen)
                {
                    continue; // still landing: the next run looks again
                }
            }

            if (await PlanAsync(vault.ModelId, cancellationToken) is { } planned)
            {
                touched.Add(await FinishAsync(planned, cancellationToken));
            }
        }

        return touched;
    }

    /// <summary>Signs and records the model's next sweep if its payable is due; null when nothing is due or another run planned first.</summary>
    public async Task<Sweep?> PlanAsync(string model, CancellationToken cancellationToken)
    {
        var treasuryKey = _treasury ?? throw new InvalidOperationException("No treasury keypair is configured (Treasury:Keypair).");
        var balance = await payables.BalanceAsync(model, cancellationToken);
        if (balance.Payable < treasury.Value.SweepThreshold)
        {
            return null;
        }

        if ((await listings.CurrentAsync(cancellationToken)).Find(model) is not { } listing)
        {
            Log.NoListing(logger, model, balance.Payable);
            return null;
        }

        var owner = PublicKey.Parse(listing.VaultAuthority);
        var usdc = PublicKey.Parse(x402.Value.UsdcMint);
        var from = PublicKey.FindAssociatedTokenAddress(treasuryKey.PublicKey, usdc, ProgramIds.Token);
        var to = PublicKey.Parse(listing.VaultUsdcAccount);
        var isAta = to == PublicKey.FindAssociatedTokenAddress(owner, usdc, ProgramIds.Token);
        var held = await rpc.GetTokenAccountBalanceAsync(from.ToString(), cancellationToken);
        if (!held.IsSuccess || held.Value!.Value.RawAmount < (ulong)balance.Payable)
        {
            Log.TreasuryShort(logger, model, balance.Payable);
            return null;
        }

        var number = balance.Sweeps + 1;
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            Log.ChainUnavailable(logger, model);
            return null;
        }

        var blockhash = latest.Value!.Value;
        // The vault is the listing's USDC account; when it is its authority's ATA, the sweep creates it if need be.
        List<TransactionInstruction> instructions = isAta ? [AssociatedTokenProgram.CreateIdempotent(treasuryKey.PublicKey, owner, usdc)] : [];
        instructions.Add(TokenProgram.TransferChecked(from, usdc, to, treasuryKey.PublicKey, (ulong)balance.Payable, UsdcDecimals));
        instructions.Add(MemoProgram.Memo($"bourse:sweep:{model}:{number}"));
        var transaction = new Transaction(Message.Compile(treasuryKey.PublicKey, blockhash.Blockhash, instructions)).Sign(treasuryKey);
        var sweep = new Sweep(model, number, SweepState.Planned, balance.Payable, to.ToString(), transaction.Id, transaction.Serialize(),
            blockhash.LastValidBlockHeight, time.GetUtcNow());
        if (!await payables.PlanAsync(balance, sweep, cancellationToken))
        {
            return null;
        }

        Log.Planned(logger, model, number, sweep.Amount, sweep.Signature);
        return sweep;
    }

    private async Task<Sweep> FinishAsync(Sweep sweep, CancellationToken cancellationToken)
    {
        // The sender asks the chain for the signature before every (re)send: a sweep that landed before a
        // crash is confirmed, not sent again; the same signed bytes can land at most once.
        if (sweep.State == SweepState.Planned)
        {
            var sent = await rpc.SendTransactionAsync(sweep.Transaction, cancellationToken: cancellationToken);
            if (sent.Error is null or { Kind: RpcErrorKind.AlreadyProcessed })
            {
                sweep = await payables.RecordAsync(sweep, SweepState.Sent, cancellationToken);
            }
        }

        var outcome = await sender.SendAndConfirmAsync(sweep.Transaction, sweep.LastValidBlockHeight, cancellationToken);
        if (outcome.Status is not SendStatus.Confirmed)
        {
            // A refused (re)send proves nothing: the first send may have landed meanwhile. Only the chain's
            // word closes a sweep: landed with an error, or unseen past its last valid block height.
            outcome = await sender.CheckAsync(sweep.Signature, sweep.LastValidBlockHeight, cancellationToken);
        }

        switch (outcome.Status)
        {
            case SendStatus.Confirmed:
                Log.Confirmed(logger, sweep.Model, sweep.Number, sweep.Amount, sweep.Signature);
                return await payables.RecordAsync(sweep, SweepState.Confirmed, cancellationToken);
            case SendStatus.Failed or SendStatus.Expired:
                var error = outcome.Error?.ToString() ?? outcome.Status.ToString();
                Log.Abandoned(logger, sweep.Model, sweep.Number, sweep.Signature, error);
                return await payables.AbandonAsync(sweep, error, cancellationToken);
            default:
                Log.StillOpen(logger, sweep.Model, sweep.Number, sweep.Signature);
                return sweep;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(3010, LogLevel.Warning, "Sweeps: no treasury keypair is configured (Treasury:Keypair); creator fees accrue unswept")]
        public static partial void NoTreasury(ILogger logger);

        [LoggerMessage(3011, LogLevel.Information, "Sweep {Model} #{Number}: planned {Amount} micro-USDC to the vault ({Signature})")]
        public static partial void Planned(ILogger logger, string model, int number, long amount, string signature);

        [LoggerMessage(3012, LogLevel.Information, "Sweep {Model} #{Number}: confirmed, {Amount} micro-USDC in the vault ({Signature})")]
        public static partial void Confirmed(ILogger logger, string model, int number, long amount, string signature);

        [LoggerMessage(3014, LogLevel.Warning, "Sweep {Model} #{Number}: not landed and not expired yet ({Signature}); the next run looks again")]
        public static partial void StillOpen(ILogger logger, string model, int number, string signature);

        [LoggerMessage(3015, LogLevel.Error, "Sweeps: the treasury's USDC account cannot cover {Model}'s payable of {Payable} micro-USDC; not swept")]
        public static partial void TreasuryShort(ILogger logger, string model, long payable);

        [LoggerMessage(3016, LogLevel.Warning, "Sweeps: the Solana RPC did not answer; {Model} is not swept this run")]
        public static partial void ChainUnavailable(ILogger logger, string model);

        [LoggerMessage(3017, LogLevel.Warning, "Sweeps: {Model} owes its vault {Payable} micro-USDC but has no listing; not swept")]
        public static partial void NoListing(ILogger logger, string model, long payable);

        [LoggerMessage(3013, LogLevel.Warning, "Sweep {Model} #{Number}: abandoned, it did nothing on chain ({Signature}: {Error}); the amount is payable again")]
        public static partial void Abandoned(ILogger logger, string model, int number, string signature, string error);
    }
}
