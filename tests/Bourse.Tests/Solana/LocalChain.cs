using Bourse.Solana;
using Bourse.Solana.Accounts;
using Bourse.Solana.Rpc;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana.Rpc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Solana;

/// <summary>Sends transactions to the local chain through the C# RPC client and reads accounts back with the C# decoders.</summary>
internal sealed class LocalChain
{
    public LocalChain()
    {
        Rpc = SolanaRpcClientChainTests.CreateClient();
        Sender = new TransactionSender(
            Rpc,
            Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri(LocalStack.Instance.Rpc)], ConfirmationPollInterval = TimeSpan.FromMilliseconds(100) }),
            TimeProvider.System,
            NullLogger<TransactionSender>.Instance);
    }

    public SolanaRpcClient Rpc { get; }

    public TransactionSender Sender { get; }

    /// <summary>A new keypair with SOL from the chain's faucet.</summary>
    public async Task<Keypair> FundedKeypairAsync(ulong lamports = 10_000_000_000)
    {
        var keypair = Keypair.Generate();
        (await Rpc.RequestAirdropAsync(keypair.PublicKey.ToString(), lamports)).GetValueOrThrow();
        return keypair;
    }

    public async Task<SendOutcome> SendAsync(Keypair feePayer, IReadOnlyList<Keypair> signers, params TransactionInstruction[] instructions)
    {
        var blockhash = (await Rpc.GetLatestBlockhashAsync()).GetValueOrThrow().Value;
        var transaction = new Transaction(Message.Compile(feePayer.PublicKey, blockhash.Blockhash, instructions)).Sign([feePayer, .. signers]);
        return await Sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight);
    }

    public async Task ConfirmAsync(Keypair feePayer, IReadOnlyList<Keypair> signers, params TransactionInstruction[] instructions)
    {
        var outcome = await SendAsync(feePayer, signers, instructions);
        Assert.True(outcome.Status == SendStatus.Confirmed, $"{outcome.Status}: {outcome.Error} {string.Join('\n', outcome.Logs ?? [])}");
    }

    public async Task<ulong> RentAsync(ulong size) => (await Rpc.GetMinimumBalanceForRentExemptionAsync(size)).GetValueOrThrow();

    public async Task<byte[]?> DataAsync(PublicKey address) => (await Rpc.GetAccountInfoAsync(address.ToString())).GetValueOrThrow().Value?.Data;

    public async Task<TokenAccount> TokenAccountAsync(PublicKey address) => TokenAccount.Deserialize((await DataAsync(address))!);

    public async Task<MintAccount> MintAsync(PublicKey address) => MintAccount.Deserialize((await DataAsync(address))!);
}
