using Bourse.Buyback;
using Bourse.Solana.Rpc;

namespace Bourse.Tests.Buyback;

/// <summary>The buyback crank on the local chain and Azurite: planning, collection, the swap on the local pool, the burn.</summary>
public sealed class BuybackCrankTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneCycle_VaultWithPayments_CollectsTheTreasuryShareBuysWithTheCreatorShareAndBurnsExactlyWhatItBought(bool token2022)
    {
        using var world = await BuybackWorld.CreateAsync(token2022);
        var (gross, creator, owed) = await world.PayIntoVaultAsync(40, seed: 21);
        var supply = await world.SupplyAsync();
        var pool = (Usdc: await world.TokensAsync(world.PoolUsdc), Tokens: await world.TokensAsync(world.PoolTokens));

        var planned = Assert.Single(await world.Planner().PlanAsync([world.Vault], CancellationToken.None));
        var run = await world.Runner().RunAsync(world.Model, planned.Id, CancellationToken.None);

        var job = run.Job!;
        Assert.True(job.State == BuybackState.Done, job.Error);
        Assert.Equal((creator, owed), (job.AmountIn, job.Collected));
        Assert.Equal(gross - creator - owed, await world.TokensAsync(world.Vault.VaultUsdcAccount)); // fell by the job amount: all of it
        Assert.Equal(owed, await world.TokensAsync(world.TreasuryUsdc));
        Assert.True(job.AmountOut > 0 && job.AmountOut >= job.MinimumOut, $"{job.AmountOut} < {job.MinimumOut}");
        Assert.Equal((job.AmountOut, job.AmountOut), (supply - await world.SupplyAsync(), job.Burned));
        Assert.Equal(0, await world.TokensAsync(world.CrankTokens));
        Assert.Equal(pool.Usdc + creator, await world.TokensAsync(world.PoolUsdc));
        Assert.Equal(token2022 ? job.AmountOut + FeeOn(pool.Tokens - await world.TokensAsync(world.PoolTokens)) : job.AmountOut, pool.Tokens - await world.TokensAsync(world.PoolTokens));
        Assert.NotNull(job.CollectSignature);
        Assert.NotNull(job.SwapSignature);
        Assert.NotNull(job.BurnSignature);

        // Nothing left to buy: the next cycle plans nothing, and the history shows the one job.
        Assert.Empty(await world.Planner().PlanAsync([world.Vault], CancellationToken.None));
        Assert.Equal(job.Id, Assert.Single(await world.Jobs.JobsAsync(world.Model, CancellationToken.None)).Id);
        var totals = await world.Jobs.TotalsAsync(world.Model, CancellationToken.None);
        Assert.Equal((creator, owed), (totals.Bought, totals.Collected));
    }

    [Theory]
    [InlineData(BuybackState.Planned)]
    [InlineData(BuybackState.Collected)]
    [InlineData(BuybackState.Quoted)]
    [InlineData(BuybackState.SwapSent)]
    [InlineData(BuybackState.SwapConfirmed)]
    [InlineData(BuybackState.BurnSent)]
    public async Task Run_CrashAfterEachRecordedState_ResumesToDoneWithOneSwapAndOneBurn(BuybackState crashAfter)
    {
        using var world = await BuybackWorld.CreateAsync();
        var (gross, creator, owed) = await world.PayIntoVaultAsync(20, seed: 22);
        var supply = await world.SupplyAsync();
        var poolUsdc = await world.TokensAsync(world.PoolUsdc);
        var planned = Assert.Single(await world.Planner().PlanAsync([world.Vault], CancellationToken.None));

        var crashing = world.Runner();
        crashing.AfterRecord = async job =>
        {
            if (job.State != crashAfter)
            {
                return;
            }

            // A crash after the step was recorded; for a sent step, after the transaction went out too.
            var sent = job.State switch
            {
                BuybackState.Planned => (job.CollectTransaction, job.CollectLastValidBlockHeight),
                BuybackState.SwapSent => (job.SwapTransaction, job.SwapLastValidBlockHeight),
                BuybackState.BurnSent => (job.BurnTransaction, job.BurnLastValidBlockHeight),
                _ => (null, 0UL),
            };
            if (sent.Item1 is { } bytes)
            {
                Assert.Equal(SendStatus.Confirmed, (await world.Chain.Sender.SendAndConfirmAsync(bytes, sent.Item2)).Status);
            }

            throw new SimulatedCrash();
        };
        await Assert.ThrowsAsync<SimulatedCrash>(() => crashing.RunAsync(world.Model, planned.Id, CancellationToken.None));
        Assert.Equal(crashAfter, (await world.Jobs.GetAsync(world.Model, planned.Id, CancellationToken.None))!.State);

        var resumed = (await world.Runner().RunAsync(world.Model, planned.Id, CancellationToken.None)).Job!;

        Assert.True(resumed.State == BuybackState.Done, resumed.Error);
        Assert.Equal(gross - creator - owed, await world.TokensAsync(world.Vault.VaultUsdcAccount));
        Assert.Equal(owed, await world.TokensAsync(world.TreasuryUsdc)); // collected once
        Assert.Equal(poolUsdc + creator, await world.TokensAsync(world.PoolUsdc)); // swapped once
        Assert.Equal(resumed.AmountOut, supply - await world.SupplyAsync()); // burned once, exactly what was bought
        Assert.Equal(0, await world.TokensAsync(world.CrankTokens));
    }

    [Fact]
    public async Task Run_TwoWorkersAtOnceThenARedelivery_DoTheJobOnce()
    {
        using var world = await BuybackWorld.CreateAsync();
        var (gross, creator, owed) = await world.PayIntoVaultAsync(30, seed: 23);
        var supply = await world.SupplyAsync();
        var poolUsdc = await world.TokensAsync(world.PoolUsdc);
        var planned = Assert.Single(await world.Planner().PlanAsync([world.Vault], CancellationToken.None));
        Assert.Equal(planned.Id, Assert.Single(await world.Planner().PlanAsync([world.Vault], CancellationToken.None)).Id); // planned twice: one job

        var runs = await Task.WhenAll(
            Task.Run(() => world.Runner().RunAsync(world.Model, planned.Id, CancellationToken.None)),
            Task.Run(() => world.Runner().RunAsync(world.Model, planned.Id, CancellationToken.None)));
        var redelivered = await world.Runner().RunAsync(world.Model, planned.Id, CancellationToken.None);

        Assert.All(runs.Append(redelivered), r => Assert.Equal(BuybackState.Done, r.Job!.State));
        var job = redelivered.Job!;
        Assert.Equal(gross - creator - owed, await world.TokensAsync(world.Vault.VaultUsdcAccount));
        Assert.Equal(owed, await world.TokensAsync(world.TreasuryUsdc));
        Assert.Equal(poolUsdc + creator, await world.TokensAsync(world.PoolUsdc));
        Assert.Equal(job.AmountOut, supply - await world.SupplyAsync());
        var totals = await world.Jobs.TotalsAsync(world.Model, CancellationToken.None);
        Assert.Equal((creator, owed), (totals.Bought, totals.Collected));
    }

    [Fact]
    public async Task Run_QuoteBeyondTheSlippageCap_DoesNotSwapFailsWithTheReasonAndLeavesTheUsdc()
    {
        // A thin pool: 50 USDC against 1,000 tokens; buying with 20 USDC moves the price far more than 1%.
        using var world = await BuybackWorld.CreateAsync(poolUsdc: 50_000_000, poolTokens: 1_000_000_000);
        await world.MintUsdcAsync(world.Vault.VaultUsdcAccount, world.Crank.PublicKey, 20_000_000);
        var (_, creator, _) = await world.PayIntoVaultAsync(1, seed: 24, min: 400_000_000, max: 400_000_001); // creator share 20 USDC
        var vault = await world.TokensAsync(world.Vault.VaultUsdcAccount);
        var pool = (await world.TokensAsync(world.PoolUsdc), await world.TokensAsync(world.PoolTokens));
        var supply = await world.SupplyAsync();
        var options = world.Options(threshold: 1_000_000, maxSlippageBps: 100);

        var planned = Assert.Single(await world.Planner(options).PlanAsync([world.Vault], CancellationToken.None));
        var job = (await world.Runner(options).RunAsync(world.Model, planned.Id, CancellationToken.None)).Job!;

        Assert.Equal(BuybackState.Failed, job.State);
        Assert.Contains("slippage", job.Error, StringComparison.Ordinal);
        Assert.Contains("over the cap of 100 bps", job.Error, StringComparison.Ordinal);
        Assert.Null(job.SwapSignature);
        Assert.Equal(pool, (await world.TokensAsync(world.PoolUsdc), await world.TokensAsync(world.PoolTokens)));
        Assert.Equal(supply, await world.SupplyAsync());
        Assert.Equal(vault - job.Collected, await world.TokensAsync(world.Vault.VaultUsdcAccount)); // the creator's USDC is untouched
        Assert.Equal(creator, job.AmountIn);
        Assert.Equal(0, (await world.Jobs.TotalsAsync(world.Model, CancellationToken.None)).Bought); // released for a later job
    }

    [Fact]
    public async Task Plan_VaultBelowTheThreshold_PlansNothing()
    {
        using var world = await BuybackWorld.CreateAsync();
        var (_, creator, _) = await world.PayIntoVaultAsync(5, seed: 25, min: 100_000, max: 200_000); // ~5 payments × 5%: well under 1 USDC

        Assert.Empty(await world.Planner(world.Options(threshold: 1_000_000)).PlanAsync([world.Vault], CancellationToken.None));
        Assert.Empty(await world.Jobs.JobsAsync(world.Model, CancellationToken.None));
        Assert.InRange(creator, 1, 999_999);
    }

    [Fact]
    public async Task Plan_UnsettledUsdcInTheVault_BuysOnlyWithTheLedgersCreatorShareAndCapsThePerJobAmount()
    {
        using var world = await BuybackWorld.CreateAsync();
        var (_, creator, _) = await world.PayIntoVaultAsync(40, seed: 26);
        await world.MintUsdcAsync(world.Vault.VaultUsdcAccount, world.Crank.PublicKey, 50_000_000); // landed, not settled yet: not the creator's

        var capped = Assert.Single(await world.Planner(world.Options(maxAmount: creator / 2)).PlanAsync([world.Vault], CancellationToken.None));

        Assert.Equal(creator / 2, capped.AmountIn);
        Assert.Equal(creator / 2, (await world.Jobs.TotalsAsync(world.Model, CancellationToken.None)).Bought);
    }

    private static long FeeOn(long gross) =>
        (long)Bourse.Solana.Programs.TransferFeeExtension.FeeFor((ulong)gross, BuybackWorld.FeeBps, BuybackWorld.MaxFee);

    private sealed class SimulatedCrash : Exception;
}
