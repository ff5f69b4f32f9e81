using Azure.Data.Tables;
using Bourse.Buyback;
using Bourse.Buyback.Harvest;
using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Buyback;

/// <summary>The Token-2022 fee harvest on the local chain: holders' withheld fees, harvested in batches, withdrawn to the treasury.</summary>
public sealed class FeeHarvestTests
{
    private const ushort Bps = 100;
    private const ulong MaxFee = 1_000_000_000;

    private readonly LocalChain _chain = new();
    private readonly FeeHarvests _harvests = new(new TableServiceClient(LocalStack.Instance.Storage));

    [Fact]
    public async Task Run_FortyHoldersWithWithheldFees_MovesExactlyTheWithheldAmountsToTheTreasury()
    {
        using var crank = await _chain.FundedKeypairAsync();
        using var withdrawAuthority = Keypair.Generate();
        using var treasury = Keypair.Generate();
        using var mint = Keypair.Generate();
        await _chain.ConfirmAsync(crank, [mint],
            SystemProgram.CreateAccount(crank.PublicKey, mint.PublicKey, await _chain.RentAsync(278), 278, ProgramIds.Token2022),
            TransferFeeExtension.InitializeTransferFeeConfig(mint.PublicKey, crank.PublicKey, withdrawAuthority.PublicKey, Bps, MaxFee),
            TokenProgram.InitializeMint2(mint.PublicKey, 6, crank.PublicKey, programId: ProgramIds.Token2022),
            AssociatedTokenProgram.CreateIdempotent(crank.PublicKey, crank.PublicKey, mint.PublicKey, ProgramIds.Token2022),
            TokenProgram.MintTo(mint.PublicKey, Ata(crank.PublicKey, mint.PublicKey), crank.PublicKey, 1_000_000_000_000, ProgramIds.Token2022));

        // 40 holders, each sent a different amount: each transfer withholds 1% in the holder's account.
        var holders = Enumerable.Range(0, 40).Select(_ => Keypair.Generate().PublicKey).ToList();
        ulong withheld = 0;
        foreach (var chunk in holders.Chunk(5))
        {
            var ixs = new List<TransactionInstruction>();
            foreach (var holder in chunk)
            {
                var amount = (ulong)(1_000_000 + (holders.IndexOf(holder) * 37_123));
                withheld += TransferFeeExtension.FeeFor(amount, Bps, MaxFee);
                ixs.Add(AssociatedTokenProgram.CreateIdempotent(crank.PublicKey, holder, mint.PublicKey, ProgramIds.Token2022));
                ixs.Add(TokenProgram.TransferChecked(Ata(crank.PublicKey, mint.PublicKey), mint.PublicKey, Ata(holder, mint.PublicKey), crank.PublicKey, amount, 6, ProgramIds.Token2022));
            }

            await _chain.ConfirmAsync(crank, [], [.. ixs]);
        }

        var harvester = Harvester(crank, withdrawAuthority, treasury);
        var listing = new BuybackVault($"harvest-{Guid.NewGuid():N}/model", mint.PublicKey, ProgramIds.Token2022, crank.PublicKey, crank.PublicKey);
        var harvest = Assert.Single(await harvester.RunAsync([listing], CancellationToken.None));

        Assert.Equal((40, (long)withheld, (long)withheld), (harvest.Accounts, harvest.Harvested, harvest.Withdrawn));
        Assert.True(harvest.HarvestSignatures.Count >= 2, $"{harvest.HarvestSignatures.Count} harvest transaction(s) for 40 accounts: they do not fit one");
        Assert.Equal(FeeWithdrawalState.Confirmed, harvest.Withdrawal);
        Assert.Equal(withheld, (await _chain.TokenAccountAsync(Ata(treasury.PublicKey, mint.PublicKey))).Amount);
        Assert.Equal(0UL, Token2022Extensions.Read((await _chain.DataAsync(mint.PublicKey))!).TransferFeeConfig!.WithheldAmount);
        foreach (var holder in holders)
        {
            Assert.Equal(0UL, Token2022Extensions.Read((await _chain.DataAsync(Ata(holder, mint.PublicKey)))!).TransferFeeAmount!.WithheldAmount);
        }

        var recorded = Assert.Single(await _harvests.ListAsync(mint.PublicKey.ToString(), CancellationToken.None));
        Assert.Equal((harvest.WithdrawSignature, (long)withheld), (recorded.WithdrawSignature, recorded.Withdrawn));

        // Nothing withheld any more: the next run records nothing and moves nothing.
        Assert.Empty(await harvester.RunAsync([listing], CancellationToken.None));
        Assert.Equal(withheld, (await _chain.TokenAccountAsync(Ata(treasury.PublicKey, mint.PublicKey))).Amount);
    }

    [Fact]
    public async Task Run_SplListing_IsNotHarvested()
    {
        using var crank = await _chain.FundedKeypairAsync();
        var listing = new BuybackVault("spl/model", Keypair.Generate().PublicKey, ProgramIds.Token, crank.PublicKey, crank.PublicKey);

        Assert.Empty(await Harvester(crank, Keypair.Generate(), Keypair.Generate()).RunAsync([listing], CancellationToken.None));
    }

    private FeeHarvester Harvester(Keypair crank, Keypair withdrawAuthority, Keypair treasury) => new(
        _harvests, _chain.Rpc, _chain.Sender,
        Options.Create(new BuybackOptions { CrankKeypair = Json(crank) }),
        Options.Create(new HarvestOptions { WithdrawAuthorityKeypair = Json(withdrawAuthority) }),
        Options.Create(new Bourse.Payments.X402.X402Options { TreasuryAddress = treasury.PublicKey.ToString(), UsdcMint = BuybackWorld.Usdc.ToString() }),
        TimeProvider.System,
        NullLogger<FeeHarvester>.Instance);

    private static PublicKey Ata(PublicKey owner, PublicKey mint) => PublicKey.FindAssociatedTokenAddress(owner, mint, ProgramIds.Token2022);

    private static string Json(Keypair keypair) => "[" + string.Join(',', keypair.ExportSecretKey()) + "]";
}
