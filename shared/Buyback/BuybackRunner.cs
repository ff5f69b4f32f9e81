using Bourse.Buyback.Venues;
using Bourse.Payments.X402;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Buyback;

/// <summary>
/// Runs one buyback job as a persisted state machine: planned → collected → quoted → swap sent →
/// swap confirmed → burn sent → done, or failed with a reason. Each transaction is signed and recorded
/// (signature, bytes, last valid block height) before it is sent, and a resumed job starts by asking the
/// chain about what it recorded; every step is written over the version it read, so two workers on one
/// job make each step once and send only the recorded transaction. The vault's treasury share (the ledger's
/// uncollected <see cref="VaultBalance.OwedToTreasury"/>) is collected first; only the creator-fee USDC
/// reserved at planning is swapped.
/// </summary>
public sealed partial class BuybackRunner(
    BuybackJobs jobs,
    VaultPayables payables,
    SolanaRpcClient rpc,
    TransactionSender sender,
    SwapVenues venues,
    ProgramVaultInstructions program,
    IOptions<BuybackOptions> options,
    IOptions<X402Options> x402,
    TimeProvider time,
    ILogger<BuybackRunner> logger)
{
    private const byte UsdcDecimals = 6;

    private readonly Keypair? _crank = options.Value.Crank();
    private readonly PublicKey _usdc = PublicKey.Parse(x402.Value.UsdcMint);

    /// <summary>Test hook: called after each recorded step, before the step's transaction is sent (a fault here is a crash).</summary>
    internal Func<BuybackJob, Task>? AfterRecord { get; set; }

    /// <summary>
    /// Runs the job a <c>buyback</c> message names; when it waits on the chain or a venue, puts the message
    /// back with a delay. A message that is not a job goes to <c>buyback-poison</c>, untried.
    /// </summary>
    public async Task RunMessageAsync(string message, BuybackQueue queue, CancellationToken cancellationToken)
    {
        if (BuybackQueue.Parse(message) is not { } job)
        {
            Log.Malformed(logger);
            await queue.PoisonAsync(message, cancellationToken);
            return;
        }

        var run = await RunAsync(job.Model, job.JobId, cancellationToken);
        if (run.Job is { IsOpen: true } && run.RetryAfter is { } after)
        {
            await queue.EnqueueAsync(job, after, cancellationToken);
        }
    }

    /// <summary>Runs the job as far as it can go now.</summary>
    public async Task<BuybackRun> RunAsync(string model, string jobId, CancellationToken cancellationToken)
    {
        var job = await jobs.GetAsync(model, jobId, cancellationToken);
        SwapQuote? quote = null;
        while (job is { IsOpen: true })
        {
            if (_crank is null)
            {
                Log.NoCrank(logger, jobId);
                return new BuybackRun(job, options.Value.RetryDelay);
            }

            if (job.Custody == VaultCustody.CrankKey && job.VaultAuthority != _crank.PublicKey.ToString() && job.State < BuybackState.SwapSent)
            {
                var failed = await FailAsync(job, $"the vault's authority {job.VaultAuthority} is not this crank's key", cancellationToken);
                job = failed.Job ?? await jobs.GetAsync(model, jobId, cancellationToken);
                continue;
            }

            var step = job.State switch
            {
                BuybackState.Planned => await CollectAsync(job, cancellationToken),
                BuybackState.Collected => await QuoteAsync(job, cancellationToken),
                BuybackState.Quoted => await SwapAsync(job, quote, cancellationToken),
                BuybackState.SwapSent => await ConfirmSwapAsync(job, cancellationToken),
                BuybackState.SwapConfirmed => await BurnAsync(job, cancellationToken),
                _ => await ConfirmBurnAsync(job, cancellationToken),
            };
            quote = step.Quote ?? quote;
            if (step.RetryAfter is { } retry)
            {
                return new BuybackRun(step.Job ?? job, retry);
            }

            // A null job: another worker moved it first; read what it wrote and go on from there.
            job = step.Job ?? await jobs.GetAsync(model, jobId, cancellationToken);
        }

        return new BuybackRun(job);
    }

    private async Task<Step> CollectAsync(BuybackJob job, CancellationToken cancellationToken)
    {
        var crank = _crank!;
        if (job.Custody == VaultCustody.Program)
        {
            // The program has no instruction that pays the treasury out of its vault: nothing is collected.
            return new Step(await RecordAsync(job, job with { State = BuybackState.Collected }, cancellationToken));
        }

        if (job.CollectSignature is null)
        {
            var owed = (await payables.BalanceAsync(job.Model, cancellationToken)).OwedToTreasury;
            var totals = await jobs.TotalsAsync(job.Model, cancellationToken);
            var held = await rpc.GetTokenAccountBalanceAsync(job.VaultUsdcAccount, cancellationToken);
            var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
            if (!held.IsSuccess || !latest.IsSuccess)
            {
                return Transient(job, "the RPC did not answer");
            }

            // Never more than the vault holds beyond what this job will swap.
            var collect = Math.Clamp(Math.Min(owed - totals.Collected, (long)held.Value!.Value.RawAmount - job.AmountIn), 0, long.MaxValue);
            var vault = PublicKey.Parse(job.VaultUsdcAccount);
            var treasury = PublicKey.FindAssociatedTokenAddress(PublicKey.Parse(x402.Value.TreasuryAddress), _usdc, ProgramIds.Token);
            List<TransactionInstruction> instructions =
            [
                AssociatedTokenProgram.CreateIdempotent(crank.PublicKey, crank.PublicKey, PublicKey.Parse(job.Mint), PublicKey.Parse(job.TokenProgram)),
            ];
            if (collect > 0)
            {
                instructions.Add(AssociatedTokenProgram.CreateIdempotent(crank.PublicKey, PublicKey.Parse(x402.Value.TreasuryAddress), _usdc));
                instructions.Add(TokenProgram.TransferChecked(vault, _usdc, treasury, crank.PublicKey, (ulong)collect, UsdcDecimals));
            }

            instructions.Add(MemoProgram.Memo($"bourse:buyback:{job.Id}:collect"));
            var blockhash = latest.Value!.Value;
            var transaction = new Transaction(Message.Compile(crank.PublicKey, blockhash.Blockhash, instructions)).Sign(crank);
            var recorded = await RecordAsync(job, job with
            {
                Collected = collect, CollectSignature = transaction.Id, CollectTransaction = transaction.Serialize(),
                CollectLastValidBlockHeight = blockhash.LastValidBlockHeight,
            }, cancellationToken, collectedDelta: collect);
            if (recorded is null)
            {
                return Step.Moved;
            }

            Log.Collecting(logger, job.Id, collect, transaction.Id);
            job = recorded;
        }

        var outcome = await SendAsync(job.CollectTransaction!, job.CollectSignature!, job.CollectLastValidBlockHeight, cancellationToken);
        return outcome.Status switch
        {
            SendStatus.Confirmed => new Step(await RecordAsync(job, job with { State = BuybackState.Collected }, cancellationToken)),
            SendStatus.Pending => Transient(job, "the collection has not landed yet"),

            // It did nothing on chain: release what it reserved and build it again.
            _ => await RetryOrFailAsync(job, job with { Collected = 0, CollectSignature = null, CollectTransaction = null, CollectLastValidBlockHeight = 0 },
                $"collection {outcome.Status}: {outcome.Error}", cancellationToken, collectedDelta: -job.Collected),
        };
    }

    private async Task<Step> QuoteAsync(BuybackJob job, CancellationToken cancellationToken)
    {
        var venue = venues.Current;
        var request = new SwapRequest(_usdc, PublicKey.Parse(job.Mint), PublicKey.Parse(job.TokenProgram), job.AmountIn, options.Value.MaxSlippageBps);
        var quoted = await venue.QuoteAsync(request, cancellationToken);
        if (!quoted.IsSuccess)
        {
            return quoted.Error!.IsTransient
                ? await RetryLaterAsync(job, quoted.Error, cancellationToken)
                : await FailAsync(job, $"{venue.Name}: {quoted.Error}", cancellationToken);
        }

        var quote = quoted.Value!;
        if (quote.PriceImpactBps > options.Value.MaxSlippageBps)
        {
            return await FailAsync(job, $"slippage: the {venue.Name} quote moves the price {quote.PriceImpactBps} bps, over the cap of {options.Value.MaxSlippageBps} bps; not swapped", cancellationToken);
        }

        var recorded = await RecordAsync(job, job with
        {
            State = BuybackState.Quoted, Venue = venue.Name, QuotedOut = quote.OutAmount, MinimumOut = quote.MinimumOut, PriceImpactBps = quote.PriceImpactBps,
        }, cancellationToken);
        Log.Quoted(logger, job.Id, venue.Name, job.AmountIn, quote.OutAmount, quote.MinimumOut, quote.PriceImpactBps);
        return new Step(recorded, Quote: quote);
    }

    private async Task<Step> SwapAsync(BuybackJob job, SwapQuote? quote, CancellationToken cancellationToken)
    {
        if (quote is null || quote.Request.AmountIn != job.AmountIn)
        {
            // Resumed without the venue's quote in hand: quote again (and check the cap again).
            return await QuoteAsync(job with { State = BuybackState.Collected }, cancellationToken);
        }

        var crank = _crank!;
        var mint = PublicKey.Parse(job.Mint);
        if (job.Custody == VaultCustody.Program)
        {
            return await ProgramSwapAsync(job, quote, cancellationToken);
        }

        var taker = new SwapTaker(crank, PublicKey.Parse(job.VaultUsdcAccount), PublicKey.FindAssociatedTokenAddress(crank.PublicKey, mint, PublicKey.Parse(job.TokenProgram)), job.Decimals);
        var built = await venues.Current.BuildAsync(quote, taker, burnInSwap: true, cancellationToken);
        if (!built.IsSuccess)
        {
            return built.Error!.IsTransient
                ? await RetryLaterAsync(job with { State = BuybackState.Collected }, built.Error, cancellationToken)
                : await FailAsync(job, $"{venues.Current.Name}: {built.Error}", cancellationToken);
        }

        var swap = built.Value!;
        var recorded = await RecordAsync(job, job with
        {
            State = BuybackState.SwapSent, SwapSignature = swap.Signature, SwapTransaction = swap.Transaction,
            SwapLastValidBlockHeight = swap.LastValidBlockHeight, BurnedInSwap = swap.BurnedInSwap,
        }, cancellationToken);
        if (recorded is not null)
        {
            Log.SwapSent(logger, job.Id, swap.Signature);
        }

        return new Step(recorded);
    }

    /// <summary>A program-owned vault: the venue's route for the vault authority, passed through the program's <c>buyback</c>.</summary>
    private async Task<Step> ProgramSwapAsync(BuybackJob job, SwapQuote quote, CancellationToken cancellationToken)
    {
        var crank = _crank!;
        var listing = PublicKey.Parse(job.ListingAccount!);
        var (mint, tokenProgram) = (PublicKey.Parse(job.Mint), PublicKey.Parse(job.TokenProgram));
        var vaultUsdc = PublicKey.Parse(job.VaultUsdcAccount);
        var route = await venues.Current.RouteAsync(quote, PublicKey.Parse(job.VaultAuthority), vaultUsdc, program.VaultTokenAccount(listing, mint, tokenProgram), cancellationToken);
        var latest = route.IsSuccess ? await rpc.GetLatestBlockhashAsync(cancellationToken) : default;
        if (!route.IsSuccess || !latest.IsSuccess)
        {
            var error = route.Error ?? new VenueError(VenueErrorKind.Unavailable, "No blockhash from the RPC.");
            return error.IsTransient
                ? await RetryLaterAsync(job with { State = BuybackState.Collected }, error, cancellationToken)
                : await FailAsync(job, $"{venues.Current.Name}: {error}", cancellationToken);
        }

        var (setup, swap, tables) = route.Value!;
        var blockhash = latest.Value!.Value;
        var transaction = new Transaction(Message.Compile(crank.PublicKey, blockhash.Blockhash,
        [
            .. setup,
            program.CreateVaultTokenAccount(crank.PublicKey, listing, mint, tokenProgram),
            program.Buyback(crank.PublicKey, listing, vaultUsdc, mint, tokenProgram, _usdc, swap, (ulong)job.AmountIn, (ulong)quote.MinimumOut),
        ], tables)).Sign(crank);
        if (transaction.Size > Transaction.MaxSize)
        {
            return await FailAsync(job, $"the program's buyback through {venues.Current.Name} does not fit a transaction ({transaction.Size} bytes)", cancellationToken);
        }

        var recorded = await RecordAsync(job, job with
        {
            State = BuybackState.SwapSent, SwapSignature = transaction.Id, SwapTransaction = transaction.Serialize(), SwapLastValidBlockHeight = blockhash.LastValidBlockHeight,
        }, cancellationToken);
        return new Step(recorded);
    }

    private async Task<Step> ConfirmSwapAsync(BuybackJob job, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(job.SwapTransaction!, job.SwapSignature!, job.SwapLastValidBlockHeight, cancellationToken);
        switch (outcome.Status)
        {
            case SendStatus.Confirmed:
                var landed = await rpc.GetTransactionAsync(job.SwapSignature!, cancellationToken: cancellationToken);
                if (!landed.IsSuccess || landed.Value?.Meta is not { } meta)
                {
                    return Transient(job, "the swap's transaction is not readable yet", TimeSpan.FromSeconds(1));
                }

                // What the crank's token account gained (the swap may have burned part of it in the same transaction).
                var owner = job.VaultAuthority; // the crank itself, or a program vault's authority
                long Held(IReadOnlyList<Solana.Rpc.Models.TokenBalance>? balances) => (long)(balances ?? [])
                    .Where(b => b.Mint == job.Mint && b.Owner == owner)
                    .Sum(b => (decimal)b.UiTokenAmount.RawAmount);
                var bought = Held(meta.PostTokenBalances) - Held(meta.PreTokenBalances) + job.BurnedInSwap;
                Log.SwapConfirmed(logger, job.Id, bought, job.SwapSignature!);
                return new Step(await RecordAsync(job, job with { State = BuybackState.SwapConfirmed, AmountOut = bought, Burned = job.BurnedInSwap, SwapSlot = landed.Value.Slot }, cancellationToken));
            case SendStatus.Pending:
                return Transient(job, "the swap has not landed yet");
            case SendStatus.Expired:
                // Never landed and never can: quote again; the USDC has not moved.
                return await RetryOrFailAsync(job, job with
                {
                    State = BuybackState.Collected, SwapSignature = null, SwapTransaction = null, SwapLastValidBlockHeight = 0, BurnedInSwap = 0,
                }, "the swap expired before landing", cancellationToken);
            default:
                return await FailAsync(job, $"the swap failed on chain ({outcome.Status}: {outcome.Error}); no USDC moved", cancellationToken);
        }
    }

    private async Task<Step> BurnAsync(BuybackJob job, CancellationToken cancellationToken)
    {
        if (job.ToBurn <= 0)
        {
            return new Step(await RecordAsync(job, job with { State = BuybackState.Done }, cancellationToken));
        }

        var crank = _crank!;
        var latest = await rpc.GetLatestBlockhashAsync(cancellationToken);
        if (!latest.IsSuccess)
        {
            return Transient(job, "the RPC did not answer");
        }

        var mint = PublicKey.Parse(job.Mint);
        var tokenProgram = PublicKey.Parse(job.TokenProgram);
        var blockhash = latest.Value!.Value;
        var burn = job.Custody == VaultCustody.Program
            ? program.Burn(crank.PublicKey, PublicKey.Parse(job.ListingAccount!), mint, tokenProgram, (ulong)job.ToBurn)
            : TokenProgram.BurnChecked(PublicKey.FindAssociatedTokenAddress(crank.PublicKey, mint, tokenProgram), mint, crank.PublicKey, (ulong)job.ToBurn, job.Decimals, tokenProgram);
        var transaction = new Transaction(Message.Compile(crank.PublicKey, blockhash.Blockhash, [burn, MemoProgram.Memo($"bourse:buyback:{job.Id}:burn")])).Sign(crank);
        var recorded = await RecordAsync(job, job with
        {
            State = BuybackState.BurnSent, BurnSignature = transaction.Id, BurnTransaction = transaction.Serialize(), BurnLastValidBlockHeight = blockhash.LastValidBlockHeight,
        }, cancellationToken);
        return new Step(recorded);
    }

    private async Task<Step> ConfirmBurnAsync(BuybackJob job, CancellationToken cancellationToken)
    {
        var outcome = await SendAsync(job.BurnTransaction!, job.BurnSignature!, job.BurnLastValidBlockHeight, cancellationToken);
        switch (outcome.Status)
        {
            case SendStatus.Confirmed:
                Log.Done(logger, job.Id, job.AmountIn, job.AmountOut, job.BurnSignature!);
                return new Step(await RecordAsync(job, job with { State = BuybackState.Done, Burned = job.AmountOut, BurnSlot = outcome.Slot ?? 0 }, cancellationToken));
            case SendStatus.Pending:
                return Transient(job, "the burn has not landed yet");
            default:
                // It did nothing: build the burn again (the bought tokens are still in the crank's account).
                var again = job with { State = BuybackState.SwapConfirmed, BurnSignature = null, BurnTransaction = null, BurnLastValidBlockHeight = 0 };
                return await RetryOrFailAsync(job, again, $"burn {outcome.Status}: {outcome.Error}", cancellationToken, releaseOnFail: false);
        }
    }

    /// <summary>Sends the recorded transaction (asking the chain first) and, when a send is refused, asks the chain once more.</summary>
    private async Task<SendOutcome> SendAsync(byte[] transaction, string signature, ulong lastValidBlockHeight, CancellationToken cancellationToken)
    {
        var outcome = await sender.SendAndConfirmAsync(transaction, lastValidBlockHeight, cancellationToken);
        return outcome.Status is SendStatus.Confirmed or SendStatus.Failed ? outcome : await sender.CheckAsync(signature, lastValidBlockHeight, cancellationToken);
    }

    private async Task<BuybackJob?> RecordAsync(BuybackJob from, BuybackJob to, CancellationToken cancellationToken, long boughtDelta = 0, long collectedDelta = 0)
    {
        var recorded = await jobs.TransitionAsync(from, to with { UpdatedAt = time.GetUtcNow() }, cancellationToken, boughtDelta, collectedDelta);
        if (recorded is not null && AfterRecord is { } hook)
        {
            await hook(recorded);
        }

        return recorded;
    }

    private Step Transient(BuybackJob job, string reason, TimeSpan? after = null)
    {
        Log.Waiting(logger, job.Id, job.State, reason);
        return new Step(job, after ?? options.Value.RetryDelay);
    }

    private async Task<Step> RetryLaterAsync(BuybackJob job, VenueError error, CancellationToken cancellationToken)
    {
        if (job.Attempts + 1 >= options.Value.MaxAttempts)
        {
            return await FailAsync(job, $"{venues.Current.Name}: {error} (after {job.Attempts + 1} attempts)", cancellationToken);
        }

        var recorded = await RecordAsync(job, job with { Attempts = job.Attempts + 1, Error = error.ToString() }, cancellationToken);
        Log.Waiting(logger, job.Id, job.State, error.ToString());
        return recorded is null ? Step.Moved : new Step(recorded, error.RetryAfter ?? options.Value.RetryDelay);
    }

    /// <summary>Goes back to <paramref name="again"/> to retry a step that provably did nothing, or fails after too many attempts.</summary>
    private async Task<Step> RetryOrFailAsync(BuybackJob job, BuybackJob again, string reason, CancellationToken cancellationToken, long collectedDelta = 0, bool releaseOnFail = true)
    {
        if (job.Attempts + 1 >= options.Value.MaxAttempts)
        {
            return await FailAsync(job, $"{reason} (after {job.Attempts + 1} attempts)", cancellationToken, collectedDelta, releaseOnFail);
        }

        Log.Retrying(logger, job.Id, job.State, reason);
        return new Step(await RecordAsync(job, again with { Attempts = job.Attempts + 1, Error = reason }, cancellationToken, collectedDelta: collectedDelta));
    }

    /// <summary>Fails the job and releases the creator-fee USDC it reserved and did not spend.</summary>
    private async Task<Step> FailAsync(BuybackJob job, string reason, CancellationToken cancellationToken, long collectedDelta = 0, bool release = true)
    {
        var spent = job.State is BuybackState.SwapConfirmed or BuybackState.BurnSent;
        Log.Failed(logger, job.Id, job.State, reason);
        return new Step(await RecordAsync(job, job with { State = BuybackState.Failed, Error = reason }, cancellationToken,
            boughtDelta: release && !spent ? -job.AmountIn : 0, collectedDelta: collectedDelta));
    }

    private sealed record Step(BuybackJob? Job, TimeSpan? RetryAfter = null, SwapQuote? Quote = null)
    {
        public static Step Moved { get; } = new((BuybackJob?)null);
    }

    private static partial class Log
    {
        [LoggerMessage(4009, LogLevel.Error, "Buyback: a message on the buyback queue is not a job; moved to buyback-poison")]
        public static partial void Malformed(ILogger logger);

        [LoggerMessage(4000, LogLevel.Warning, "Buyback {JobId}: no crank keypair is configured (Buyback:CrankKeypair); the job waits")]
        public static partial void NoCrank(ILogger logger, string jobId);

        [LoggerMessage(4001, LogLevel.Information, "Buyback {JobId}: collecting {Amount} micro-USDC for the treasury ({Signature})")]
        public static partial void Collecting(ILogger logger, string jobId, long amount, string signature);

        [LoggerMessage(4002, LogLevel.Information, "Buyback {JobId}: {Venue} quotes {AmountIn} micro-USDC → {OutAmount} (minimum {MinimumOut}, impact {ImpactBps} bps)")]
        public static partial void Quoted(ILogger logger, string jobId, string venue, long amountIn, long outAmount, long minimumOut, int impactBps);

        [LoggerMessage(4003, LogLevel.Information, "Buyback {JobId}: swap sent ({Signature})")]
        public static partial void SwapSent(ILogger logger, string jobId, string signature);

        [LoggerMessage(4004, LogLevel.Information, "Buyback {JobId}: swap confirmed, bought {AmountOut} ({Signature})")]
        public static partial void SwapConfirmed(ILogger logger, string jobId, long amountOut, string signature);

        [LoggerMessage(4005, LogLevel.Information, "Buyback {JobId}: done, {AmountIn} micro-USDC bought and burned {Burned} ({Signature})")]
        public static partial void Done(ILogger logger, string jobId, long amountIn, long burned, string signature);

        [LoggerMessage(4006, LogLevel.Warning, "Buyback {JobId}: failed in {State}: {Reason}")]
        public static partial void Failed(ILogger logger, string jobId, BuybackState state, string reason);

        [LoggerMessage(4007, LogLevel.Information, "Buyback {JobId}: waiting in {State}: {Reason}")]
        public static partial void Waiting(ILogger logger, string jobId, BuybackState state, string reason);

        [LoggerMessage(4008, LogLevel.Warning, "Buyback {JobId}: retrying from {State}: {Reason}")]
        public static partial void Retrying(ILogger logger, string jobId, BuybackState state, string reason);
    }
}
