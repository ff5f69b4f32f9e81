using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Accounts;
using Bourse.Deposits;
using Bourse.Payments.X402;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Accounts;

/// <summary>
/// Solana Pay deposits paid by real transfers on the local chain, watched by the stack's own timer, by
/// runs of it triggered at once, and by a watcher in this process: each transaction is credited once.
/// </summary>
public sealed class DepositTests
{
    private static readonly PublicKey Usdc = PublicKey.Parse(LocalStack.Instance.ChainAddress("usdcMint"));
    private static readonly PublicKey Treasury = PublicKey.Parse(LocalStack.Instance.ChainAddress("treasury"));
    private readonly LocalChain _chain = new();

    [Fact]
    public async Task Deposit_PaidByARealTransfer_IsCreditedOnce_WithSeveralWatchersAtOnce()
    {
        var user = await WalletUser.SignedInAsync();
        var deposit = await CreateAsync(user, 1_500_000);
        Assert.Equal("pending", deposit.GetProperty("status").GetString());
        Assert.Equal(Treasury.ToString(), deposit.GetProperty("recipient").GetString());
        Assert.Equal(Usdc.ToString(), deposit.GetProperty("splToken").GetString());
        Assert.Equal("1.5", deposit.GetProperty("amount").GetString());
        var url = deposit.GetProperty("url").GetString()!;
        Assert.StartsWith($"solana:{Treasury}?amount=1.5&spl-token={Usdc}&reference={deposit.GetProperty("reference").GetString()}&label=", url);
        Assert.Contains("&memo=bourse%3Adeposit%3A", url);

        using var payer = await FundedPayerAsync(10_000_000);
        var signature = await PayAsync(payer, Usdc, Treasury, 1_500_000, deposit.GetProperty("reference").GetString());

        await Task.WhenAll(RunStackWatcherAsync(), RunStackWatcherAsync(), Watcher().RunAsync(CancellationToken.None), Watcher().RunAsync(CancellationToken.None));
        await Task.WhenAll(RunStackWatcherAsync(), Watcher().RunAsync(CancellationToken.None));
        var status = await StatusAsync(user, deposit);

        Assert.Equal("credited", status.GetProperty("status").GetString());
        Assert.Equal(1_500_000, status.GetProperty("creditedMicroUsdc").GetInt64());
        Assert.Equal(signature, status.GetProperty("signature").GetString());
        Assert.Single(status.GetProperty("payments").EnumerateArray());
        Assert.Equal(1_500_000, (await user.GetJsonAsync("v1/credits")).GetProperty("deposited").GetInt64());
    }

    [Fact]
    public async Task Deposit_PartialThenLateThenRepeated_CreditsEachTransferOnce()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var account = "solpay-" + Guid.NewGuid().ToString("N")[..12];
        var deposits = Deposits(clock);
        var deposit = await deposits.CreateAsync(account, 2_000_000, CancellationToken.None);
        using var payer = await FundedPayerAsync(10_000_000);

        var first = await PayAsync(payer, Usdc, Treasury, 500_000, deposit.Reference);
        await Watcher(deposits, clock).RunAsync(CancellationToken.None);
        var partial = (await deposits.GetAsync(account, deposit.Id, CancellationToken.None))!;
        var partialStatus = partial.StatusAt(clock.GetUtcNow());

        clock.Advance(TimeSpan.FromHours(2)); // past its 30 minutes
        var expiredUnpaid = await deposits.CreateAsync(account, 1_000_000, CancellationToken.None);
        clock.Advance(TimeSpan.FromHours(2));
        var second = await PayAsync(payer, Usdc, Treasury, 1_500_000, deposit.Reference);
        var third = await PayAsync(payer, Usdc, Treasury, 250_000, deposit.Reference);
        await Task.WhenAll(Watcher(deposits, clock).RunAsync(CancellationToken.None), Watcher(deposits, clock).RunAsync(CancellationToken.None));
        var late = (await deposits.GetAsync(account, deposit.Id, CancellationToken.None))!;

        Assert.Equal(DepositStatus.Partial, partialStatus);
        Assert.Equal(first, Assert.Single(partial.Payments).Signature);
        Assert.Equal(500_000, partial.CreditedMicroUsdc);
        Assert.Equal(DepositStatus.Credited, late.StatusAt(clock.GetUtcNow()));
        Assert.Equal(new HashSet<string> { first, second, third }, late.Payments.Select(p => p.Signature).ToHashSet());
        Assert.Equal(2_250_000, late.CreditedMicroUsdc);
        Assert.Equal(DepositStatus.Expired, (await deposits.GetAsync(account, expiredUnpaid.Id, CancellationToken.None))!.StatusAt(clock.GetUtcNow()));
        Assert.Equal(2_250_000, (await Credits().GetBalanceAsync(account, CancellationToken.None)).Deposited);
    }

    [Fact]
    public async Task Deposit_WrongMintWrongRecipientOrNoReference_CreditsNothing()
    {
        var user = await WalletUser.SignedInAsync();
        var deposit = await CreateAsync(user, 1_000_000);
        var reference = deposit.GetProperty("reference").GetString();
        using var payer = await FundedPayerAsync(10_000_000);

        // Another token, into the treasury's account for that token, with the reference.
        using var otherMint = Keypair.Generate();
        var rent = await _chain.RentAsync(TokenProgram.MintSize);
        await _chain.ConfirmAsync(payer, [otherMint],
            SystemProgram.CreateAccount(payer.PublicKey, otherMint.PublicKey, rent, TokenProgram.MintSize, ProgramIds.Token),
            TokenProgram.InitializeMint2(otherMint.PublicKey, 6, payer.PublicKey),
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, payer.PublicKey, otherMint.PublicKey),
            TokenProgram.MintTo(otherMint.PublicKey, PublicKey.FindAssociatedTokenAddress(payer.PublicKey, otherMint.PublicKey, ProgramIds.Token), payer.PublicKey, 5_000_000));
        var wrongMint = await PayAsync(payer, otherMint.PublicKey, Treasury, 1_000_000, reference);

        // USDC with the reference, to someone else.
        var wrongRecipient = await PayAsync(payer, Usdc, Keypair.Generate().PublicKey, 1_000_000, reference);

        // USDC to the treasury, without the reference.
        await PayAsync(payer, Usdc, Treasury, 1_000_000, reference: null);

        await Task.WhenAll(RunStackWatcherAsync(), Watcher().RunAsync(CancellationToken.None));
        var status = await user.GetJsonAsync($"v1/credits/deposits/{deposit.GetProperty("id").GetString()}");

        Assert.Equal("pending", status.GetProperty("status").GetString());
        Assert.Equal(0, status.GetProperty("creditedMicroUsdc").GetInt64());
        Assert.Equal(0, (await user.GetJsonAsync("v1/credits")).GetProperty("deposited").GetInt64());
        var decided = await Table().QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {user.Address}"))
            .Where(r => r.RowKey.StartsWith("pay|", StringComparison.Ordinal)).ToDictionaryAsync(r => r.RowKey.Split('|')[2], r => r.GetString("Reason"));
        Assert.Equal(nameof(DepositRejection.WrongMint), decided[wrongMint]);
        Assert.Equal(nameof(DepositRejection.WrongRecipient), decided[wrongRecipient]);
        Assert.Equal(2, decided.Count);
    }

    [Fact]
    public async Task Deposits_BadInput_GetsProblemDetails_AndStoresNothing()
    {
        var user = await WalletUser.SignedInAsync();
        object[] bodies =
        [
            new StringContent("", Encoding.UTF8, "application/json"), new StringContent("nope", Encoding.UTF8, "application/json"), new { },
            new { amountMicroUsdc = "1000000" }, new { amountMicroUsdc = 1.5 }, new { amountMicroUsdc = -5 }, new { amountMicroUsdc = 0 },
            new { amountMicroUsdc = 99_999 }, new { amountMicroUsdc = long.MaxValue }, new { amount = 1_000_000 },
        ];
        foreach (var body in bodies)
        {
            using var response = await user.SendAsync(HttpMethod.Post, "v1/credits/deposits", body);
            await WalletUser.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using var anonymous = await user.SendAsync(HttpMethod.Post, "v1/credits/deposits", new { amountMicroUsdc = 1_000_000 }, bearer: "nobody");
        using var unknown = await user.SendAsync(HttpMethod.Get, "v1/credits/deposits/dep_0000");
        using var weird = await user.SendAsync(HttpMethod.Get, "v1/credits/deposits/a'b");
        await WalletUser.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        await WalletUser.AssertProblemAsync(unknown, HttpStatusCode.NotFound);
        await WalletUser.AssertProblemAsync(weird, HttpStatusCode.NotFound);
        await Table().CreateIfNotExistsAsync();
        Assert.Equal(0, await Table().QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {user.Address} or AccountId eq {user.Address}")).CountAsync());

        // Someone else's deposit is not found either.
        var deposit = await CreateAsync(user, 1_000_000);
        var other = await WalletUser.SignedInAsync();
        using var foreign = await other.SendAsync(HttpMethod.Get, $"v1/credits/deposits/{deposit.GetProperty("id").GetString()}");
        await WalletUser.AssertProblemAsync(foreign, HttpStatusCode.NotFound);
    }

    private static async Task<JsonElement> CreateAsync(WalletUser user, long amount)
    {
        using var response = await user.SendAsync(HttpMethod.Post, "v1/credits/deposits", new { amountMicroUsdc = amount });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<JsonElement> StatusAsync(WalletUser user, JsonElement deposit)
    {
        var path = $"v1/credits/deposits/{deposit.GetProperty("id").GetString()}";
        var status = await user.GetJsonAsync(path);
        for (var i = 0; i < 50 && status.GetProperty("status").GetString() == "pending"; i++)
        {
            await Task.Delay(100);
            status = await user.GetJsonAsync(path);
        }

        return status;
    }

    /// <summary>Runs the stack's <c>WatchDeposits</c> timer function now (the local host's admin API).</summary>
    private static async Task RunStackWatcherAsync()
    {
        using var response = await WalletUser.Http.PostAsJsonAsync($"{LocalStack.Instance.Admin}/functions/WatchDeposits", new { input = "" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private async Task<Keypair> FundedPayerAsync(long usdc)
    {
        var payer = await _chain.FundedKeypairAsync();
        using var mintAuthority = Keypair.FromSecretKey(LocalStack.Instance.ChainKeypair("mintAuthority"));
        await _chain.ConfirmAsync(payer, [mintAuthority],
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, payer.PublicKey, Usdc),
            TokenProgram.MintTo(Usdc, PublicKey.FindAssociatedTokenAddress(payer.PublicKey, Usdc, ProgramIds.Token), mintAuthority.PublicKey, (ulong)usdc));
        return payer;
    }

    /// <summary>What a Solana Pay wallet sends: the recipient's token account created if needed, a memo, then TransferChecked with the reference as a read-only key.</summary>
    private async Task<string> PayAsync(Keypair payer, PublicKey mint, PublicKey recipient, long amount, string? reference)
    {
        var transfer = TokenProgram.TransferChecked(
            PublicKey.FindAssociatedTokenAddress(payer.PublicKey, mint, ProgramIds.Token), mint,
            PublicKey.FindAssociatedTokenAddress(recipient, mint, ProgramIds.Token), payer.PublicKey, (ulong)amount, 6);
        if (reference is not null)
        {
            transfer = transfer with { Accounts = [.. transfer.Accounts, AccountMeta.ReadOnly(PublicKey.Parse(reference))] };
        }

        var blockhash = (await _chain.Rpc.GetLatestBlockhashAsync()).GetValueOrThrow().Value;
        var transaction = new Transaction(Message.Compile(payer.PublicKey, blockhash.Blockhash,
        [
            AssociatedTokenProgram.CreateIdempotent(payer.PublicKey, recipient, mint),
            MemoProgram.Memo("bourse test payment"),
            transfer,
        ])).Sign(payer);
        var outcome = await _chain.Sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight);
        Assert.Equal(Bourse.Solana.Rpc.SendStatus.Confirmed, outcome.Status);
        return transaction.Id;
    }

    private static TableClient Table() => new TableServiceClient(LocalStack.Instance.Storage).GetTableClient(TableNames.Deposits);

    private static CreditAccounts Credits() => new(new CreditAccountTable(new TableServiceClient(LocalStack.Instance.Storage)), TimeProvider.System);

    private static SolanaPayDeposits Deposits(TimeProvider? clock = null) => new(
        new TableServiceClient(LocalStack.Instance.Storage),
        Options.Create(new DepositOptions()),
        Options.Create(new X402Options { UsdcMint = Usdc.ToString(), TreasuryAddress = Treasury.ToString() }),
        clock ?? TimeProvider.System);

    private DepositWatcher Watcher(SolanaPayDeposits? deposits = null, TimeProvider? clock = null) => new(
        deposits ?? Deposits(), Credits(), _chain.Rpc, Options.Create(new DepositOptions()), clock ?? TimeProvider.System, NullLogger<DepositWatcher>.Instance);
}
