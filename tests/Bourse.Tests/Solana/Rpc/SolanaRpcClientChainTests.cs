using Bourse.Solana.Rpc;
using Bourse.Solana.Rpc.Models;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Solana.Rpc;

/// <summary>The RPC client against the local chain (litesvm behind JSON-RPC), reading what it seeded.</summary>
public sealed class SolanaRpcClientChainTests
{
    private const string TokenProgram = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

    private static readonly LocalStack Stack = LocalStack.Instance;

    public static SolanaRpcClient CreateClient() => new(
        new HttpClient(),
        Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri(Stack.Rpc)], RetryBaseDelay = TimeSpan.FromMilliseconds(50) }),
        TimeProvider.System,
        NullLogger<SolanaRpcClient>.Instance);

    [Fact]
    public async Task GetSlotAndBlockhash_OnTheLocalChain_Advance()
    {
        var rpc = CreateClient();

        var first = (await rpc.GetLatestBlockhashAsync()).GetValueOrThrow();
        var slot = (await rpc.GetSlotAsync()).GetValueOrThrow();
        var height = (await rpc.GetBlockHeightAsync()).GetValueOrThrow();

        Assert.True(slot >= first.Context.Slot);
        Assert.True(first.Value.LastValidBlockHeight > height);
        Assert.InRange(first.Value.Blockhash.Length, 32, 44);
    }

    [Fact]
    public async Task GetAccountInfo_UsdcMint_IsAClassicTokenMintWithSixDecimals()
    {
        var account = (await CreateClient().GetAccountInfoAsync(Stack.ChainAddress("usdcMint"))).GetValueOrThrow().Value;

        Assert.NotNull(account);
        Assert.Equal(TokenProgram, account.Owner);
        Assert.Equal(82, account.Data.Length);
        Assert.Equal(6, account.Data[44]);
        Assert.Equal(ulong.MaxValue, account.RentEpoch);
    }

    [Fact]
    public async Task GetAccountInfo_DataSlice_ReturnsOnlyTheSlice()
    {
        // The USDC mint's decimals and authority: bytes no other test changes.
        var account = (await CreateClient().GetAccountInfoAsync(Stack.ChainAddress("usdcMint"), new DataSlice(44, 2))).GetValueOrThrow().Value;

        Assert.Equal([6, 1], account!.Data);
    }

    [Fact]
    public async Task GetMultipleAccounts_MissingAccount_IsNullInPlace()
    {
        var missing = "11111111111111111111111111111112";

        var accounts = (await CreateClient().GetMultipleAccountsAsync([Stack.ChainAddress("usdcMint"), missing])).GetValueOrThrow().Value;

        Assert.NotNull(accounts[0]);
        Assert.Null(accounts[1]);
    }

    [Fact]
    public async Task GetProgramAccounts_TokenAccountsOfTheUsdcMint_IncludeTheSeededOnes()
    {
        var mint = SimpleBase.Base58.Bitcoin.Decode(Stack.ChainAddress("usdcMint"));

        var accounts = (await CreateClient().GetProgramAccountsAsync(
            TokenProgram, [ProgramAccountFilter.DataSize(165), ProgramAccountFilter.Memcmp(0, mint)])).GetValueOrThrow().Value;

        var keys = accounts.Select(a => a.Pubkey).ToHashSet();
        Assert.Contains(Stack.ChainAddress("payerUsdcAccount"), keys);
        Assert.Contains(Stack.ChainAddress("treasuryUsdcAccount"), keys);
        Assert.All(accounts, a => Assert.Equal(165, a.Account.Data.Length));
    }

    [Fact]
    public async Task TokenBalanceAndSupply_SeededUsdc_AreIntegersInSmallestUnits()
    {
        var rpc = CreateClient();

        var balance = (await rpc.GetTokenAccountBalanceAsync(Stack.ChainAddress("payerUsdcAccount"))).GetValueOrThrow().Value;
        var supply = (await rpc.GetTokenSupplyAsync(Stack.ChainAddress("usdcMint"))).GetValueOrThrow().Value;

        Assert.Equal(6, balance.Decimals);
        Assert.True(balance.RawAmount <= supply.RawAmount);
        Assert.True(balance.RawAmount > 0);
    }

    [Fact]
    public async Task Airdrop_ThenStatusAndHistory_AreVisible()
    {
        var rpc = CreateClient();
        using var fresh = Bourse.Solana.Keypair.Generate(); // an account no other test touches
        var payer = fresh.PublicKey.ToString();
        var before = (await rpc.GetBalanceAsync(payer)).GetValueOrThrow().Value;

        var signature = (await rpc.RequestAirdropAsync(payer, 1_000_012_345)).GetValueOrThrow();
        var statuses = (await rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true)).GetValueOrThrow().Value;
        var after = (await rpc.GetBalanceAsync(payer)).GetValueOrThrow().Value;
        var history = (await rpc.GetSignaturesForAddressAsync(payer, limit: 5)).GetValueOrThrow();
        var json = (await rpc.GetTransactionAsync(signature)).GetValueOrThrow();
        var raw = (await rpc.GetTransactionAsync(signature, "base64")).GetValueOrThrow();

        Assert.False(statuses[0]!.Failed);
        Assert.Equal(before + 1_000_012_345, after);
        Assert.Equal(signature, history[0].Signature);
        Assert.NotNull(json!.Meta);
        Assert.Null(json.RawTransaction);
        Assert.Equal(signature, TransactionSender.FirstSignature(raw!.RawTransaction));
    }

    [Fact]
    public async Task GetTransaction_UnknownSignature_IsNull()
    {
        var unknown = SimpleBase.Base58.Bitcoin.Encode(new byte[64]);

        var result = await CreateClient().GetTransactionAsync(unknown);

        Assert.True(result.IsSuccess);
        Assert.Null(result.Value);
    }

    [Fact]
    public async Task SendTransaction_Garbage_IsAnInvalidRequestNotAnException()
    {
        var result = await CreateClient().SendTransactionAsync(new byte[] { 1, 2, 3 });

        Assert.False(result.IsSuccess);
        Assert.NotEqual(RpcErrorKind.Unavailable, result.Error.Kind);
    }
}
