using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;

namespace Bourse.Tests.Solana;

/// <summary>Every instruction builder executed on the local chain (the real Token, Token-2022 and ATA programs), state read back with the C# decoders.</summary>
public sealed class InstructionsOnChainTests
{
    private readonly LocalChain _chain = new();

    [Fact]
    public async Task ClassicToken_CreateMintTransferBurnClose_StateMatches()
    {
        using var payer = await _chain.FundedKeypairAsync();
        using var mint = Keypair.Generate();
        using var bob = Keypair.Generate();
        using var loose = Keypair.Generate();
        var payerAta = PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint.PublicKey, ProgramIds.Token);
        var bobAta = PublicKey.FindAssociatedTokenAddress(bob.PublicKey, mint.PublicKey, ProgramIds.Token);

        await _chain.ConfirmAsync(payer, [mint],
            ComputeBudgetProgram.SetComputeUnitLimit(400_000),
            ComputeBudgetProgram.SetComputeUnitPrice(1),
            SystemProgram.CreateAccount(payer.PublicKey, mint.PublicKey, await _chain.RentAsync(TokenProgram.MintSize), TokenProgram.MintSize, ProgramIds.Token),
            TokenProgram.InitializeMint2(mint.PublicKey, 6, payer.PublicKey, freezeAuthority: payer.PublicKey),
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, payer.PublicKey, mint.PublicKey),
            AssociatedTokenProgram.Create(payer.PublicKey, bob.PublicKey, mint.PublicKey),
            TokenProgram.MintTo(mint.PublicKey, payerAta, payer.PublicKey, 1_000_000),
            MemoProgram.Memo("bourse test", payer.PublicKey));
        await _chain.ConfirmAsync(payer, [],
            TokenProgram.TransferChecked(payerAta, mint.PublicKey, bobAta, payer.PublicKey, 250_000, 6),
            TokenProgram.Burn(payerAta, mint.PublicKey, payer.PublicKey, 100_000),
            TokenProgram.BurnChecked(payerAta, mint.PublicKey, payer.PublicKey, 50_000, 6),
            SystemProgram.Transfer(payer.PublicKey, bob.PublicKey, 1_000_000));

        var mintState = await _chain.MintAsync(mint.PublicKey);
        var bobAccount = await _chain.TokenAccountAsync(bobAta);
        Assert.Equal(850_000UL, mintState.Supply);
        Assert.Equal(payer.PublicKey, mintState.MintAuthority);
        Assert.Equal(payer.PublicKey, mintState.FreezeAuthority);
        Assert.Equal(600_000UL, (await _chain.TokenAccountAsync(payerAta)).Amount);
        Assert.Equal((250_000UL, bob.PublicKey, mint.PublicKey, TokenAccountState.Initialized), (bobAccount.Amount, bobAccount.Owner, bobAccount.Mint, bobAccount.State));
        Assert.Equal(1_000_000UL, (await _chain.Rpc.GetBalanceAsync(bob.PublicKey.ToString())).GetValueOrThrow().Value);

        // A token account that is not an ATA: created, initialised, then closed by its owner.
        await _chain.ConfirmAsync(payer, [loose],
            SystemProgram.CreateAccount(payer.PublicKey, loose.PublicKey, await _chain.RentAsync(TokenProgram.AccountSize), TokenProgram.AccountSize, ProgramIds.Token),
            TokenProgram.InitializeAccount3(loose.PublicKey, mint.PublicKey, payer.PublicKey));
        Assert.Equal(payer.PublicKey, (await _chain.TokenAccountAsync(loose.PublicKey)).Owner);
        await _chain.ConfirmAsync(payer, [], TokenProgram.CloseAccount(loose.PublicKey, payer.PublicKey, payer.PublicKey));
        Assert.Null(await _chain.DataAsync(loose.PublicKey));
    }

    [Fact]
    public async Task TransferFeeMint_TransferHarvestWithdraw_MovesExactlyTheWithheldFees()
    {
        const ushort Bps = 50;
        const ulong MaxFee = 5_000;
        using var payer = await _chain.FundedKeypairAsync();
        using var mint = Keypair.Generate();
        using var bob = Keypair.Generate();
        var payerAta = PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint.PublicKey, ProgramIds.Token2022);
        var bobAta = PublicKey.FindAssociatedTokenAddress(bob.PublicKey, mint.PublicKey, ProgramIds.Token2022);
        const ulong FeeMintSize = 278;

        await _chain.ConfirmAsync(payer, [mint],
            SystemProgram.CreateAccount(payer.PublicKey, mint.PublicKey, await _chain.RentAsync(FeeMintSize), FeeMintSize, ProgramIds.Token2022),
            TransferFeeExtension.InitializeTransferFeeConfig(mint.PublicKey, payer.PublicKey, payer.PublicKey, Bps, MaxFee),
            TokenProgram.InitializeMint2(mint.PublicKey, 6, payer.PublicKey, programId: ProgramIds.Token2022),
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, payer.PublicKey, mint.PublicKey, ProgramIds.Token2022),
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, bob.PublicKey, mint.PublicKey, ProgramIds.Token2022),
            TokenProgram.MintTo(mint.PublicKey, payerAta, payer.PublicKey, 10_000_000, ProgramIds.Token2022));

        var fee1 = TransferFeeExtension.FeeFor(1_000_000, Bps, MaxFee);
        var fee2 = TransferFeeExtension.FeeFor(200_001, Bps, MaxFee);
        await _chain.ConfirmAsync(payer, [],
            TransferFeeExtension.TransferCheckedWithFee(payerAta, mint.PublicKey, bobAta, payer.PublicKey, 1_000_000, 6, fee1),
            TokenProgram.TransferChecked(payerAta, mint.PublicKey, bobAta, payer.PublicKey, 200_001, 6, ProgramIds.Token2022));
        var bobData = (await _chain.DataAsync(bobAta))!;
        Assert.Equal(1_200_001UL - fee1 - fee2, TokenAccount.Deserialize(bobData).Amount);
        Assert.Equal(fee1 + fee2, Token2022Extensions.Read(bobData).TransferFeeAmount!.WithheldAmount);
        Assert.Equal(6_001UL, fee1 + fee2); // 5,000 + ceil(1,000.005): the fee rounds up

        await _chain.ConfirmAsync(payer, [], TransferFeeExtension.HarvestWithheldTokensToMint(mint.PublicKey, [bobAta]));
        var mintData = (await _chain.DataAsync(mint.PublicKey))!;
        var config = Token2022Extensions.Read(mintData).TransferFeeConfig!;
        Assert.Equal(fee1 + fee2, config.WithheldAmount);
        Assert.Equal((Bps, MaxFee), (config.NewerFee.BasisPoints, config.NewerFee.MaximumFee));
        Assert.Equal(payer.PublicKey, config.WithdrawWithheldAuthority);
        Assert.Equal(0UL, Token2022Extensions.Read((await _chain.DataAsync(bobAta))!).TransferFeeAmount!.WithheldAmount);

        var fee3 = TransferFeeExtension.FeeFor(100_000, Bps, MaxFee);
        await _chain.ConfirmAsync(payer, [], TokenProgram.TransferChecked(payerAta, mint.PublicKey, bobAta, payer.PublicKey, 100_000, 6, ProgramIds.Token2022));
        var before = (await _chain.TokenAccountAsync(payerAta)).Amount;
        await _chain.ConfirmAsync(payer, [],
            TransferFeeExtension.WithdrawWithheldTokensFromAccounts(mint.PublicKey, payerAta, payer.PublicKey, [bobAta]),
            TransferFeeExtension.WithdrawWithheldTokensFromMint(mint.PublicKey, payerAta, payer.PublicKey));

        Assert.Equal(before + fee3 + fee1 + fee2, (await _chain.TokenAccountAsync(payerAta)).Amount);
        Assert.Equal(0UL, Token2022Extensions.Read((await _chain.DataAsync(mint.PublicKey))!).TransferFeeConfig!.WithheldAmount);
        Assert.Equal(10_000_000UL, (await _chain.MintAsync(mint.PublicKey)).Supply);
    }

    [Fact]
    public async Task TransferChecked_MoreThanTheBalance_FailsPreflightWithTheTokenError()
    {
        using var payer = await _chain.FundedKeypairAsync();
        using var mint = Keypair.Generate();
        var payerAta = PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint.PublicKey, ProgramIds.Token);
        await _chain.ConfirmAsync(payer, [mint],
            SystemProgram.CreateAccount(payer.PublicKey, mint.PublicKey, await _chain.RentAsync(TokenProgram.MintSize), TokenProgram.MintSize, ProgramIds.Token),
            TokenProgram.InitializeMint2(mint.PublicKey, 6, payer.PublicKey),
            AssociatedTokenProgram.Create(payer.PublicKey, payer.PublicKey, mint.PublicKey));

        var outcome = await _chain.SendAsync(payer, [], TokenProgram.Burn(payerAta, mint.PublicKey, payer.PublicKey, 1));

        Assert.Equal(SendStatus.Failed, outcome.Status);
        Assert.Equal(1, outcome.Error!.Value.GetProperty("InstructionError")[1].GetProperty("Custom").GetInt32()); // InsufficientFunds
        Assert.NotEmpty(outcome.Logs!);
    }

    [Fact]
    public async Task SendAndConfirm_SameTransactionTwice_LandsOnceAndSecondIsConfirmedWithoutResending()
    {
        using var payer = await _chain.FundedKeypairAsync();
        using var bob = Keypair.Generate();
        var blockhash = (await _chain.Rpc.GetLatestBlockhashAsync()).GetValueOrThrow().Value;
        var bytes = new Transaction(Message.Compile(payer.PublicKey, blockhash.Blockhash, [SystemProgram.Transfer(payer.PublicKey, bob.PublicKey, 5_000_000)]))
            .Sign(payer).Serialize();

        var first = await _chain.Sender.SendAndConfirmAsync(bytes, blockhash.LastValidBlockHeight);
        var second = await _chain.Sender.SendAndConfirmAsync(bytes, blockhash.LastValidBlockHeight);

        Assert.Equal(SendStatus.Confirmed, first.Status);
        Assert.Equal(SendStatus.Confirmed, second.Status);
        Assert.Equal(5_000_000UL, (await _chain.Rpc.GetBalanceAsync(bob.PublicKey.ToString())).GetValueOrThrow().Value);
    }
}
