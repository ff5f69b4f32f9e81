using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Buyback;
using Bourse.Buyback.Venues;
using Bourse.Payments.X402;
using Bourse.Settlement;
using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Programs;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;
using Bourse.Usage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Buyback;

/// <summary>
/// One test's own buyback world on the local chain and Azurite: a crank (the vault's authority), a model
/// token (SPL or Token-2022 with a transfer fee), a market maker's constant-product pool, a treasury, and a
/// model id no other test uses. The crank's jobs go to a queue of their own, so the stack's host never runs them.
/// </summary>
internal sealed class BuybackWorld : IDisposable
{
    public const ushort FeeBps = 50;
    public const ulong MaxFee = 5_000_000_000;

    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);

    private BuybackWorld(LocalChain chain, Keypair crank, Keypair marketMaker, Keypair treasury, Keypair mint, PublicKey tokenProgram, string model)
    {
        Chain = chain;
        Crank = crank;
        MarketMaker = marketMaker;
        Treasury = treasury;
        MintKey = mint;
        TokenProgram = tokenProgram;
        Model = model;
        Vault = new BuybackVault(model, mint.PublicKey, tokenProgram, crank.PublicKey, PublicKey.FindAssociatedTokenAddress(crank.PublicKey, Usdc, ProgramIds.Token));
        Queue = new BuybackQueue(new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }), "buyback-test-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public static PublicKey Usdc { get; } = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));

    public LocalChain Chain { get; }

    public Keypair Crank { get; }

    public Keypair MarketMaker { get; }

    public Keypair Treasury { get; }

    public Keypair MintKey { get; }

    public PublicKey TokenProgram { get; }

    public string Model { get; }

    public BuybackVault Vault { get; }

    public BuybackQueue Queue { get; }

    public VaultPayables Payables { get; } = new(Tables);

    public BuybackJobs Jobs { get; } = new(Tables);

    public PublicKey TreasuryUsdc => PublicKey.FindAssociatedTokenAddress(Treasury.PublicKey, Usdc, ProgramIds.Token);

    public PublicKey PoolUsdc => PublicKey.FindAssociatedTokenAddress(MarketMaker.PublicKey, Usdc, ProgramIds.Token);

    public PublicKey PoolTokens => PublicKey.FindAssociatedTokenAddress(MarketMaker.PublicKey, MintKey.PublicKey, TokenProgram);

    public PublicKey CrankTokens => PublicKey.FindAssociatedTokenAddress(Crank.PublicKey, MintKey.PublicKey, TokenProgram);

    /// <summary>A world whose pool holds <paramref name="poolUsdc"/> micro-USDC against <paramref name="poolTokens"/> token units.</summary>
    public static async Task<BuybackWorld> CreateAsync(bool token2022 = false, long poolUsdc = 10_000_000_000, long poolTokens = 1_000_000_000_000)
    {
        var chain = new LocalChain();
        var crank = await chain.FundedKeypairAsync();
        var marketMaker = await chain.FundedKeypairAsync();
        var treasury = Keypair.Generate();
        var mint = Keypair.Generate();
        var program = token2022 ? ProgramIds.Token2022 : ProgramIds.Token;
        var world = new BuybackWorld(chain, crank, marketMaker, treasury, mint, program, $"buyback-{Guid.NewGuid():N}/model");
        ulong size = token2022 ? 278UL : Bourse.Solana.Programs.TokenProgram.MintSize;
        List<TransactionInstruction> create = [SystemProgram.CreateAccount(crank.PublicKey, mint.PublicKey, await chain.RentAsync(size), size, program)];
        if (token2022)
        {
            create.Add(TransferFeeExtension.InitializeTransferFeeConfig(mint.PublicKey, crank.PublicKey, crank.PublicKey, FeeBps, MaxFee));
        }

        create.Add(Bourse.Solana.Programs.TokenProgram.InitializeMint2(mint.PublicKey, 6, crank.PublicKey, programId: program));
        create.Add(AssociatedTokenProgram.CreateIdempotent(crank.PublicKey, marketMaker.PublicKey, mint.PublicKey, program));
        create.Add(Bourse.Solana.Programs.TokenProgram.MintTo(mint.PublicKey, world.PoolTokens, crank.PublicKey, (ulong)poolTokens, program));
        await chain.ConfirmAsync(crank, [mint], [.. create]);
        await world.MintUsdcAsync(world.PoolUsdc, marketMaker.PublicKey, poolUsdc);
        await world.MintUsdcAsync(world.Vault.VaultUsdcAccount, crank.PublicKey, 0);
        return world;
    }

    /// <summary>Mints USDC from the chain's USDC mint authority into <paramref name="owner"/>'s ATA.</summary>
    public async Task MintUsdcAsync(PublicKey account, PublicKey owner, long amount)
    {
        using var authority = Keypair.FromSecretKey(LocalStack.Instance.ChainKeypair("mintAuthority"));
        List<TransactionInstruction> ixs = [AssociatedTokenProgram.CreateIdempotent(Crank.PublicKey, owner, Usdc)];
        if (amount > 0)
        {
            ixs.Add(Bourse.Solana.Programs.TokenProgram.MintTo(Usdc, account, authority.PublicKey, (ulong)amount));
        }

        await Chain.ConfirmAsync(Crank, amount > 0 ? [authority] : [], [.. ixs]);
    }

    /// <summary>
    /// x402 payments of <paramref name="count"/> random amounts paid into the vault: the USDC lands in the
    /// vault and settlement accrues what the vault owes the treasury. Returns (gross, creator fees, owed to the treasury).
    /// </summary>
    public async Task<(long Gross, long Creator, long Treasury)> PayIntoVaultAsync(int count, int seed, long min = 100_000, long max = 2_000_000, BuybackVault? vault = null)
    {
        vault ??= Vault;
        var random = new Random(seed);
        var postings = Enumerable.Range(0, count).Select(_ =>
        {
            var amount = random.NextInt64(min, max);
            var usage = new UsageEvent($"evt-{Guid.NewGuid():N}", UsageEvent.X402Rail, vault.Model, "provider/model", 100, 100, false, amount, "req", TimeProvider.System.GetUtcNow(),
                AmountPaidMicroUsdc: amount,
                Terms: new ChargeTerms(500, vault.Mint.ToString(), vault.VaultAuthority.ToString(), vault.VaultUsdcAccount.ToString(), PayTo: vault.VaultAuthority.ToString()));
            return SettlementPosting.For(usage, protocolFeeBps: 100);
        }).ToList();
        var gross = postings.Sum(p => p.Split.Gross);
        await MintUsdcAsync(vault.VaultUsdcAccount, vault.VaultAuthority, gross);
        await new SettlementLedger(Tables, Payables).PostAsync(postings, CancellationToken.None); // the ledger accrues the payables
        return (gross, postings.Sum(p => p.CreatorFeeInVault), postings.Sum(p => p.OwedToTreasury));
    }

    public IOptions<BuybackOptions> Options(long threshold = 1_000_000, int maxSlippageBps = 100, long maxAmount = 1_000_000_000) =>
        Microsoft.Extensions.Options.Options.Create(new BuybackOptions
        {
            CrankKeypair = Json(Crank),
            MarketMakerKeypair = Json(MarketMaker),
            Threshold = threshold,
            MaxSlippageBps = maxSlippageBps,
            MaxAmountPerJob = maxAmount,
            Venue = SwapVenueKind.Local,
            RetryDelay = TimeSpan.FromMilliseconds(200),
        });

    public IOptions<X402Options> X402 => Microsoft.Extensions.Options.Options.Create(new X402Options
    {
        UsdcMint = Usdc.ToString(), TreasuryAddress = Treasury.PublicKey.ToString(), Network = X402Networks.SolanaDevnet,
    });

    public BuybackPlanner Planner(IOptions<BuybackOptions>? options = null) =>
        new(Jobs, Payables, Queue, new ProgramVaultInstructions(), Chain.Rpc, options ?? Options(), TimeProvider.System, NullLogger<BuybackPlanner>.Instance);

    public BuybackRunner Runner(IOptions<BuybackOptions>? options = null, SwapVenue? venue = null)
    {
        options ??= Options();
        return new(Jobs, Payables, Chain.Rpc, Chain.Sender, new SwapVenues(venue ?? new LocalPoolVenue(Chain.Rpc, MarketMaker, options.Value.LocalPoolFeeBps)),
            new ProgramVaultInstructions(), options, X402, TimeProvider.System, NullLogger<BuybackRunner>.Instance);
    }

    public async Task<long> TokensAsync(PublicKey account)
    {
        var data = await Chain.DataAsync(account);
        return data is null ? 0 : (long)TokenAccount.Deserialize(data).Amount;
    }

    public async Task<long> SupplyAsync() => (long)(await Chain.MintAsync(MintKey.PublicKey)).Supply;

    public void Dispose()
    {
        Crank.Dispose();
        MarketMaker.Dispose();
        Treasury.Dispose();
        MintKey.Dispose();
    }

    private static string Json(Keypair keypair) => "[" + string.Join(',', keypair.ExportSecretKey()) + "]";
}
