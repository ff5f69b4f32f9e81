using System.Net.Http.Json;
using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana;

namespace Bourse.Tests.ChainIndex;

/// <summary>The deployed shape: the indexer app's IndexChain timer, run now through the local host (what <c>./bourse run IndexChain</c> does), on the stack's chain and storage.</summary>
public sealed class IndexChainFunctionTests
{
    private static readonly LocalStack Stack = LocalStack.Instance;

    [Fact]
    public async Task ATransferIntoAVault_AndABurn_ShowInTheTables_AfterOneRun()
    {
        var chain = new LocalChain();
        using var payer = Keypair.FromSecretKey(Stack.ChainKeypair("payer"));
        var gemma = Stack.Chain.GetProperty("models").EnumerateArray().First(m => m.GetProperty("id").GetString() == "google/gemma-3-27b-it");
        var mint = PublicKey.Parse(gemma.GetProperty("mint").GetString()!);
        var vault = PublicKey.Parse(gemma.GetProperty("vaultUsdcAccount").GetString()!);
        var amount = (ulong)Random.Shared.Next(1_000, 1_000_000);
        var revenue = await SendAsync(chain, payer, TokenProgram.TransferChecked(
            PublicKey.Parse(Stack.ChainAddress("payerUsdcAccount")), PublicKey.Parse(Stack.ChainAddress("usdcMint")), vault, payer.PublicKey, amount, 6));
        var burn = await SendAsync(chain, payer, TokenProgram.BurnChecked(PublicKey.Parse(Stack.ChainAddress("payerGemmaAccount")), mint, payer.PublicKey, 3, 6));

        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(3) };
        using var run = await http.PostAsJsonAsync($"{Stack.Admin}/functions/IndexChain", new { input = "" });
        Assert.True(run.IsSuccessStatusCode, await run.Content.ReadAsStringAsync());

        var tables = new ChainTables(new TableServiceClient(Stack.Storage));
        var facts = new List<ChainFact>();
        await foreach (var fact in tables.HistoryAsync(mint.ToString(), null, CancellationToken.None))
        {
            facts.Add(fact);
        }

        var paid = Assert.Single(facts, f => f.Signature == revenue);
        Assert.Equal((ChainFactKind.Revenue, (long)amount, vault.ToString()), (paid.Kind, paid.Amount, paid.Account));
        var burned = Assert.Single(facts, f => f.Signature == burn);
        Assert.Equal((ChainFactKind.Burn, 3L), (burned.Kind, burned.Amount));
        var vaultRow = Assert.Single(await tables.VaultsAsync(CancellationToken.None), v => v.VaultUsdcAccount == vault.ToString());
        Assert.Equal("google/gemma-3-27b-it", vaultRow.ModelId);
        Assert.Contains(await tables.MintsAsync(CancellationToken.None), m => m.Mint == mint.ToString() && m.TokenProgram == ProgramIds.Token.ToString());
    }

    private static async Task<string> SendAsync(LocalChain chain, Keypair payer, TransactionInstruction instruction)
    {
        var blockhash = (await chain.Rpc.GetLatestBlockhashAsync()).GetValueOrThrow().Value;
        var transaction = new Transaction(Message.Compile(payer.PublicKey, blockhash.Blockhash, [instruction])).Sign(payer);
        var outcome = await chain.Sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight);
        Assert.True(outcome.Status == Bourse.Solana.Rpc.SendStatus.Confirmed, $"{outcome.Status}: {outcome.Error}");
        return transaction.Id;
    }
}
