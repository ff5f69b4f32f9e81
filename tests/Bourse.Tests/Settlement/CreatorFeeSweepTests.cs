using System.Security.Cryptography;
using Azure.Data.Tables;
using Bourse.Listings;
using Bourse.Payments.X402;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;
using Bourse.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Settlement;

/// <summary>
/// Creator-fee payables on Azurite and their sweeps on the local chain. Each test has its own model,
/// vault owner and treasury (funded from the chain's USDC mint authority), so none shares a balance.
/// </summary>
public sealed class CreatorFeeSweepTests
{
    private const long TreasuryFunds = 50_000_000;
    private const long Threshold = 1_000_000;

    private static readonly PublicKey Usdc = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));
    private readonly LocalChain _chain = new();
    private readonly VaultPayables _payables;
    private readonly SettlementLedger _ledger;
    private readonly string _model = $"sweep-{Guid.NewGuid():N}/model";
    private readonly PublicKey _vaultOwner = Keypair.Generate().PublicKey;

    public CreatorFeeSweepTests()
    {
        var tables = new TableServiceClient(LocalStack.Instance.Storage);
        _payables = new VaultPayables(tables);
        _ledger = new SettlementLedger(tables, _payables); // payables accrue as the ledger posts: once per ledger page
    }

    [Fact]
    public async Task Accrue_RedeliveredAndConcurrent_CountsEveryEventOnceOnEachSide()
    {
        var random = new Random(11);
        var postings = Enumerable.Range(0, 600).Select(i => Posting(random, x402IntoVault: i % 3 == 0)).ToList();

        var counted = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => _ledger.PostAsync(postings.Skip(i * 60).Take(300).ToList(), CancellationToken.None)));
        var again = await _ledger.PostAsync(postings, CancellationToken.None);
        var balance = await _payables.BalanceAsync(_model, CancellationToken.None);

        Assert.Equal((postings.Count, 0), (counted.Sum(), again));
        var credits = postings.Where(p => p.Event.Rail == UsageEvent.CreditsRail).ToList();
        var intoVault = postings.Where(p => p.Event.Rail == UsageEvent.X402Rail).ToList();
        Assert.Equal(credits.Sum(p => p.Split.CreatorFee), balance.OwedToVault);
        Assert.Equal(intoVault.Sum(p => p.Split.ProviderPayout + p.Split.ProtocolFee), balance.OwedToTreasury);
        Assert.Equal((0L, 0), (balance.Swept, balance.Sweeps));
    }

    [Fact]
    public async Task Accrue_HundredsOfSingleEventCallsAtOnceEachDeliveredTwice_CommitTogetherAndCountOnce()
    {
        var random = new Random(17);
        var postings = Enumerable.Range(0, 300).Select(i => Posting(random, x402IntoVault: i % 4 == 0)).ToList();

        var counted = await Task.WhenAll(postings.Concat(postings).Select(p => Task.Run(() => _ledger.PostAsync([p], CancellationToken.None))));
        var balance = await _payables.BalanceAsync(_model, CancellationToken.None);

        Assert.Equal(postings.Count, counted.Sum());
        Assert.Equal(postings.Where(p => p.Event.Rail == UsageEvent.CreditsRail).Sum(p => p.Split.CreatorFee), balance.OwedToVault);
        Assert.Equal(postings.Where(p => p.Event.Rail == UsageEvent.X402Rail).Sum(p => p.Split.ProviderPayout + p.Split.ProtocolFee), balance.OwedToTreasury);
    }

    [Fact]
    public async Task Abandon_TwoRunsAtOnce_ReleaseTheAmountOnceAndALateRecordCannotReopenIt()
    {
        var random = new Random(16);
        var postings = Enumerable.Range(0, 50).Select(_ => Posting(random)).ToList();
        await _ledger.PostAsync(postings, CancellationToken.None);
        var balance = await _payables.BalanceAsync(_model, CancellationToken.None);
        var sweep = new Sweep(_model, 1, SweepState.Planned, balance.Payable, "vault", "signature", [1, 2, 3], 100, TimeProvider.System.GetUtcNow());
        Assert.True(await _payables.PlanAsync(balance, sweep, CancellationToken.None));
        Assert.False(await _payables.PlanAsync(balance, sweep with { Number = 2 }, CancellationToken.None)); // planned meanwhile

        var closed = await Task.WhenAll(_payables.AbandonAsync(sweep, "expired", CancellationToken.None), _payables.AbandonAsync(sweep, "expired", CancellationToken.None));
        var late = await _payables.RecordAsync(sweep, SweepState.Sent, CancellationToken.None);

        Assert.All(closed, c => Assert.Equal(SweepState.Abandoned, c.State));
        Assert.Equal(SweepState.Abandoned, late.State);
        var after = await _payables.BalanceAsync(_model, CancellationToken.None);
        Assert.Equal((0L, balance.Payable, 1), (after.Swept, after.Payable, after.Sweeps));
        Assert.Null(await _payables.OpenSweepAsync(_model, CancellationToken.None));
    }

    [Fact]
    public async Task Run_PayableAboveTheThreshold_MovesExactlyThePayableToTheVaultOnce()
    {
        var (sweeper, treasuryAccount) = await SweeperWithFundedTreasuryAsync();
        var random = new Random(12);
        var postings = Enumerable.Range(0, 200).Select(_ => Posting(random)).ToList();
        await _ledger.PostAsync(postings, CancellationToken.None);
        var payable = postings.Sum(p => p.Split.CreatorFee);
        Assert.True(payable >= Threshold, $"{payable}");

        var sweeps = await sweeper.RunAsync(CancellationToken.None);
        var second = await sweeper.RunAsync(CancellationToken.None);

        var sweep = Assert.Single(sweeps);
        Assert.Equal((SweepState.Confirmed, payable, 1), (sweep.State, sweep.Amount, sweep.Number));
        Assert.Empty(second);
        Assert.Equal(payable, await TokensAsync(VaultAccount));
        Assert.Equal(TreasuryFunds - payable, await TokensAsync(treasuryAccount));
        var balance = await _payables.BalanceAsync(_model, CancellationToken.None);
        Assert.Equal((0L, payable, 1), (balance.Payable, balance.Swept, balance.Sweeps));

        await _ledger.PostAsync([Posting(random, gross: 100_000)], CancellationToken.None); // 5,000 more: under the threshold
        Assert.Empty(await sweeper.RunAsync(CancellationToken.None));
        Assert.Equal(payable, await TokensAsync(VaultAccount));
    }

    [Fact]
    public async Task Run_AfterACrashBetweenSendingAndRecording_ConfirmsTheLandedSweepWithoutASecondTransfer()
    {
        var (sweeper, treasuryAccount) = await SweeperWithFundedTreasuryAsync();
        var random = new Random(13);
        var postings = Enumerable.Range(0, 100).Select(_ => Posting(random)).ToList();
        await _ledger.PostAsync(postings, CancellationToken.None);
        var payable = postings.Sum(p => p.Split.CreatorFee);

        // The process planned the sweep, sent it, and died before it could record anything more.
        var planned = await sweeper.PlanAsync(_model, CancellationToken.None);
        Assert.NotNull(planned);
        var landed = await _chain.Sender.SendAndConfirmAsync(planned.Transaction, planned.LastValidBlockHeight);
        Assert.Equal(SendStatus.Confirmed, landed.Status);

        var resumed = await sweeper.RunAsync(CancellationToken.None);

        var sweep = Assert.Single(resumed);
        Assert.Equal((1, SweepState.Confirmed, planned.Signature), (sweep.Number, sweep.State, sweep.Signature));
        Assert.Equal(payable, await TokensAsync(VaultAccount));
        Assert.Equal(TreasuryFunds - payable, await TokensAsync(treasuryAccount));
        Assert.Null(await _payables.OpenSweepAsync(_model, CancellationToken.None));
    }

    [Fact]
    public async Task Run_AfterACrashBetweenPlanningAndSending_SendsThePlannedSweepOnce()
    {
        var (sweeper, treasuryAccount) = await SweeperWithFundedTreasuryAsync();
        var random = new Random(14);
        var postings = Enumerable.Range(0, 100).Select(_ => Posting(random)).ToList();
        await _ledger.PostAsync(postings, CancellationToken.None);
        var payable = postings.Sum(p => p.Split.CreatorFee);
        var planned = await sweeper.PlanAsync(_model, CancellationToken.None);
        Assert.Null(await sweeper.PlanAsync(_model, CancellationToken.None)); // reserved: nothing more is payable

        var resumed = await sweeper.RunAsync(CancellationToken.None);
        await sweeper.RunAsync(CancellationToken.None);

        Assert.Equal(planned!.Signature, Assert.Single(resumed).Signature);
        Assert.Equal(payable, await TokensAsync(VaultAccount));
        Assert.Equal(TreasuryFunds - payable, await TokensAsync(treasuryAccount));
    }

    [Fact]
    public async Task Run_TreasuryCannotCoverThePayable_PlansNothing()
    {
        var (sweeper, _) = await SweeperWithFundedTreasuryAsync();
        await _ledger.PostAsync([Posting(new Random(15), gross: (TreasuryFunds + 1) * 20)], CancellationToken.None);

        Assert.Empty(await sweeper.RunAsync(CancellationToken.None));
        Assert.Equal(0, (await _payables.BalanceAsync(_model, CancellationToken.None)).Swept);
    }

    private PublicKey VaultAccount => PublicKey.FindAssociatedTokenAddress(_vaultOwner, Usdc, ProgramIds.Token);

    private SettlementPosting Posting(Random random, bool x402IntoVault = false, long? gross = null)
    {
        var amount = gross ?? random.NextInt64(10_000, 2_000_000);
        var usage = new UsageEvent(
            $"evt-{Guid.NewGuid():N}", x402IntoVault ? UsageEvent.X402Rail : UsageEvent.CreditsRail, _model, "provider/model",
            random.Next(1, 5_000), random.Next(1, 5_000), false, amount, "req", TimeProvider.System.GetUtcNow(),
            AccountId: x402IntoVault ? null : "acct", AmountPaidMicroUsdc: x402IntoVault ? amount : null);
        return SettlementPosting.For(usage with { Terms = new ChargeTerms(500, "mint", _vaultOwner.ToString(), VaultAccount.ToString(), x402IntoVault ? _vaultOwner.ToString() : null) }, protocolFeeBps: 100);
    }

    private async Task<(CreatorFeeSweeper Sweeper, PublicKey TreasuryAccount)> SweeperWithFundedTreasuryAsync()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        using var treasury = Keypair.FromSeed(seed);
        (await _chain.Rpc.RequestAirdropAsync(treasury.PublicKey.ToString(), 1_000_000_000)).GetValueOrThrow();
        using var mintAuthority = Keypair.FromSecretKey(LocalStack.Instance.ChainKeypair("mintAuthority"));
        var account = PublicKey.FindAssociatedTokenAddress(treasury.PublicKey, Usdc, ProgramIds.Token);
        await _chain.ConfirmAsync(treasury, [mintAuthority],
            AssociatedTokenProgram.CreateIdempotent(treasury.PublicKey, treasury.PublicKey, Usdc),
            TokenProgram.MintTo(Usdc, account, mintAuthority.PublicKey, TreasuryFunds));

        var secret = "[" + string.Join(',', seed.Concat(treasury.PublicKey.Bytes.ToArray())) + "]";
        // A registry of this test's listing alone, so the sweeper touches no other model's payable.
        var store = new ListingStore(new TableServiceClient(LocalStack.Instance.Storage), tablePrefix: "t" + Guid.NewGuid().ToString("N")[..12]);
        await store.UpsertAsync([new Listing(_model, "mint", ProgramIds.Token.ToString(), ListingTrack.B, 500, _vaultOwner.ToString(), VaultAccount.ToString(), ListingStatus.Approved, 1, ListingSource.Chain)], CancellationToken.None);
        var registry = new ListingRegistry(store, TimeProvider.System, Options.Create(new ListingsOptions()), NullLogger<ListingRegistry>.Instance);
        var sweeper = new CreatorFeeSweeper(
            _payables, _chain.Rpc, _chain.Sender,
            Options.Create(new TreasuryOptions { Keypair = secret, SweepThreshold = Threshold }),
            Options.Create(new X402Options { UsdcMint = Usdc.ToString(), TreasuryAddress = treasury.PublicKey.ToString() }),
            registry,
            TimeProvider.System,
            NullLogger<CreatorFeeSweeper>.Instance);
        return (sweeper, account);
    }

    private async Task<long> TokensAsync(PublicKey account)
    {
        var data = await _chain.DataAsync(account);
        return data is null ? 0 : (long)Bourse.Solana.Accounts.TokenAccount.Deserialize(data).Amount;
    }
}
