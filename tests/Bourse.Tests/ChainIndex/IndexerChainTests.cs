using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Listings;
using Bourse.Quasar;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Bourse.Tests.Quasar;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.ChainIndex;

/// <summary>The indexer against a private local chain and the stack's Azurite: real RPC, real tables.</summary>
public sealed class IndexerChainTests(IndexerChainFixture chain) : IClassFixture<IndexerChainFixture>
{
    private const string Gemma = "google/gemma-3-27b-it";
    private const string DeepSeek = "deepseek-ai/DeepSeek-R1";

    [Fact]
    public async Task FirstCycle_IndexesProgramAccounts_Listings_Mints_Vaults_AndHistory()
    {
        var idx = chain.CreateIndexer(Prefix());

        var report = await idx.Cycle.RunCycleAsync(CancellationToken.None);

        Assert.Empty(report.Failures);
        Assert.Equal(0, report.AccountsRefused);
        var accounts = new List<StoredProgramAccount>();
        foreach (var type in idx.Cycle.Idl.Accounts)
        {
            await foreach (var account in idx.Tables.ProgramAccountsAsync(type.Name, CancellationToken.None))
            {
                accounts.Add(account);
            }
        }

        Assert.Equal(
            new Dictionary<string, int> { ["ModelListing"] = 2, ["Order"] = 1, ["ProtocolConfig"] = 1, ["ProviderOffer"] = 1, ["RevenueVault"] = 2 },
            accounts.GroupBy(r => r.Type).ToDictionary(g => g.Key, g => g.Count()));
        Assert.Equal(report.AccountsWritten, accounts.Count);
        var gemma = chain.Model(Gemma);
        var listingRow = accounts.Single(r => r.Type == "ModelListing" && r.Fields.GetProperty("model_id").GetString() == Gemma);
        Assert.Equal(gemma.GetProperty("listing").GetString(), listingRow.Address);
        Assert.Equal(gemma.GetProperty("mint").GetString(), listingRow.Fields.GetProperty("mint").GetString());
        Assert.Equal("B", listingRow.Fields.GetProperty("track").GetString());
        Assert.Equal(500, listingRow.Fields.GetProperty("model_fee_bps").GetInt32());
        Assert.Equal("""["us","eu"]""", accounts.Single(r => r.Type == "ProviderOffer").Fields.GetProperty("regions").GetRawText());
        Assert.Equal(250_000, accounts.Single(r => r.Type == "Order").Fields.GetProperty("amount").GetInt64());
        Assert.Equal(100, accounts.Single(r => r.Type == "ProtocolConfig").Fields.GetProperty("protocol_fee_bps").GetInt32());

        // One account read back alone, through the shard that holds it.
        var one = await idx.Tables.ProgramAccountAsync("ModelListing", listingRow.Address, CancellationToken.None);
        Assert.Equal(listingRow.Fields.GetRawText(), one?.Fields.GetRawText());
        Assert.Null(await idx.Tables.ProgramAccountAsync("Order", listingRow.Address, CancellationToken.None));

        var listings = (await idx.Registry.ReadAllAsync(CancellationToken.None)).ToDictionary(l => l.ModelId);
        foreach (var (id, track, fee) in new[] { (Gemma, ListingTrack.B, 500), (DeepSeek, ListingTrack.A, 300) })
        {
            var model = chain.Model(id);
            var listing = listings[id];
            Assert.Equal(model.GetProperty("mint").GetString(), listing.Mint);
            Assert.Equal(model.GetProperty("tokenProgram").GetString(), listing.TokenProgram);
            Assert.Equal(model.GetProperty("vaultAuthority").GetString(), listing.VaultAuthority);
            Assert.Equal(model.GetProperty("vaultUsdcAccount").GetString(), listing.VaultUsdcAccount);
            Assert.Equal(model.GetProperty("listing").GetString(), listing.ListingAccount);
            Assert.Equal((track, fee, ListingStatus.Approved, ListingSource.Chain), (listing.Track, listing.ModelFeeBps, listing.Status, listing.Source));
        }

        await AssertAgreesWithChainAsync(idx);
        var mints = (await idx.Tables.MintsAsync(CancellationToken.None)).ToDictionary(m => m.ModelId);
        Assert.Equal(50, mints[DeepSeek].TransferFeeBasisPoints);
        Assert.Equal(5_000_000_000, mints[DeepSeek].TransferFeeMaximum);
        Assert.Null(mints[Gemma].TransferFeeBasisPoints);

        // The seeding minted each model's token to the payer: that mint is in the history, keyed by signature and instruction.
        var history = await FactsAsync(idx, gemma.GetProperty("mint").GetString()!);
        var minted = Assert.Single(history, f => f.Kind == ChainFactKind.Mint && f.Account == chain.Address("payerGemmaAccount")); // the market maker's pool was minted too
        Assert.Equal(1_000_000_000, minted.Amount);
        Assert.Equal(chain.Address("payerGemmaAccount"), minted.Account);
        Assert.Matches("^[1-9A-HJ-NP-Za-km-z]{64,88}:[0-9]+$", minted.RowKey);
        Assert.True(report.Writes > 0);
    }

    [Fact]
    public async Task AnUnchangedCycle_WritesNothing_EvenFromAColdProcess()
    {
        var prefix = Prefix();
        var idx = chain.CreateIndexer(prefix);
        var first = await idx.Cycle.RunCycleAsync(CancellationToken.None);
        Assert.True(first.Writes > 0);

        var second = await idx.Cycle.RunCycleAsync(CancellationToken.None);

        Assert.Empty(second.Failures);
        Assert.Equal(7, second.AccountsRead);
        Assert.Equal(0, second.Writes);
        Assert.Equal(0, second.AccountsWritten);
        Assert.Equal((0, 0, 0, 0, 0), (second.AccountRows, second.TokenRows, second.Facts, second.Checkpoints, second.ListingRows));

        // A new instance (cold cache) reads what is stored and still writes nothing.
        var cold = await chain.CreateIndexer(prefix).Cycle.RunCycleAsync(CancellationToken.None);
        Assert.Empty(cold.Failures);
        Assert.Equal(0, cold.Writes);
        Assert.Equal(0, cold.AccountsWritten);
    }

    [Fact]
    public async Task ACycleAfterTransfersAndBurns_ShowsThem_AndAgreesWithTheChain()
    {
        var idx = chain.CreateIndexer(Prefix());
        await idx.Cycle.RunCycleAsync(CancellationToken.None);
        var gemma = chain.Model(Gemma);
        var deepseek = chain.Model(DeepSeek);
        var gemmaMint = gemma.GetProperty("mint").GetString()!;
        var deepseekMint = deepseek.GetProperty("mint").GetString()!;

        var revenue = await SendAsync(TokenProgram.TransferChecked(
            PublicKey.Parse(chain.Address("payerUsdcAccount")), PublicKey.Parse(chain.Address("usdcMint")),
            PublicKey.Parse(gemma.GetProperty("vaultUsdcAccount").GetString()!), Payer.PublicKey, 2_500_000, 6));
        var burnGemma = await SendAsync(TokenProgram.BurnChecked(PublicKey.Parse(chain.Address("payerGemmaAccount")), PublicKey.Parse(gemmaMint), Payer.PublicKey, 1_000_000, 6));
        var burnDeepseek = await SendAsync(TokenProgram.BurnChecked(
            PublicKey.Parse(chain.Address("payerDeepseekAccount")), PublicKey.Parse(deepseekMint), Payer.PublicKey, 2_000_000, 6, ProgramIds.Token2022));
        // A Token-2022 transfer withholds its fee (50 bps) in the destination account, until harvested.
        var withheldBefore = (await idx.Tables.MintsAsync(CancellationToken.None)).Single(m => m.ModelId == DeepSeek).WithheldInAccounts;
        var holder = Keypair.Generate().PublicKey;
        var holderAccount = PublicKey.FindAssociatedTokenAddress(holder, PublicKey.Parse(deepseekMint), ProgramIds.Token2022);
        await SendAsync(AssociatedTokenProgram.CreateIdempotent(Payer.PublicKey, holder, PublicKey.Parse(deepseekMint), ProgramIds.Token2022));
        await SendAsync(TokenProgram.TransferChecked(PublicKey.Parse(chain.Address("payerDeepseekAccount")), PublicKey.Parse(deepseekMint), holderAccount, Payer.PublicKey, 1_000_000, 6, ProgramIds.Token2022));

        var report = await idx.Cycle.RunCycleAsync(CancellationToken.None);
        var deepseekState = (await idx.Tables.MintsAsync(CancellationToken.None)).Single(m => m.ModelId == DeepSeek);
        Assert.Equal((long)TransferFeeExtension.FeeFor(1_000_000, 50, 5_000_000_000), deepseekState.WithheldInAccounts - withheldBefore);
        Assert.Equal(0, (await idx.Tables.MintsAsync(CancellationToken.None)).Single(m => m.ModelId == Gemma).WithheldInAccounts); // SPL: no fee

        Assert.Empty(report.Failures);
        var gemmaFacts = await FactsAsync(idx, gemmaMint);
        var paid = Assert.Single(gemmaFacts, f => f.Signature == revenue);
        Assert.Equal((ChainFactKind.Revenue, 2_500_000L, "0", Gemma), (paid.Kind, paid.Amount, paid.Index, paid.ModelId));
        Assert.Equal(gemma.GetProperty("vaultUsdcAccount").GetString(), paid.Account);
        Assert.NotNull(paid.BlockTime);
        var burned = Assert.Single(gemmaFacts, f => f.Signature == burnGemma);
        Assert.Equal((ChainFactKind.Burn, 1_000_000L), (burned.Kind, burned.Amount));
        var burnedT22 = Assert.Single(await FactsAsync(idx, deepseekMint), f => f.Signature == burnDeepseek);
        Assert.Equal((ChainFactKind.Burn, 2_000_000L, DeepSeek), (burnedT22.Kind, burnedT22.Amount, burnedT22.ModelId));
        Assert.Equal(3, report.Facts);
        await AssertAgreesWithChainAsync(idx);

        var again = await idx.Cycle.RunCycleAsync(CancellationToken.None);
        Assert.Equal(0, again.Writes);
    }

    [Fact]
    public async Task AClosedAccount_LeavesItsShard_AndAClosedListingIsDelisted_WrittenOnce()
    {
        var idl = QuasarIdl.Default;
        var prefix = Prefix();
        var idx = chain.CreateIndexer(prefix);
        var random = new Random(17);
        var modelId = "test/closed-" + prefix;
        var listingFields = IdlValues.For(idl.Account("ModelListing").Layout, random);
        listingFields["model_id"] = modelId;
        listingFields["status"] = "Approved";
        listingFields["track"] = "B";
        listingFields["token_program"] = ProgramIds.Token;
        var listing = Keypair.Generate().PublicKey.ToString();
        var order = Keypair.Generate().PublicKey.ToString();
        await SetAccountAsync(listing, 10_000_000, idl.ProgramId.ToString(), idl.Account("ModelListing").Encode(listingFields));
        await SetAccountAsync(order, 10_000_000, idl.ProgramId.ToString(), idl.Account("Order").Encode(IdlValues.For(idl.Account("Order").Layout, random)));
        try
        {
            var opened = await idx.Cycle.RunCycleAsync(CancellationToken.None);
            Assert.Equal(9, opened.AccountsRead);
            Assert.Equal(ListingStatus.Approved, (await idx.Registry.FindAsync(modelId, CancellationToken.None))?.Status);
            Assert.NotNull(await idx.Tables.ProgramAccountAsync("Order", order, CancellationToken.None));

            // Closed (0 lamports, no data, back to the system program), as the program's close instructions leave them.
            await SetAccountAsync(listing, 0, "11111111111111111111111111111111", []);
            await SetAccountAsync(order, 0, "11111111111111111111111111111111", []);
            var closed = await idx.Cycle.RunCycleAsync(CancellationToken.None);

            Assert.Empty(closed.Failures);
            Assert.Equal(7, closed.AccountsRead);
            Assert.InRange(closed.AccountRows, 2, 4); // the two shards that held them: rewritten, or deleted if now empty
            Assert.Null(await idx.Tables.ProgramAccountAsync("Order", order, CancellationToken.None));
            Assert.Null(await idx.Tables.ProgramAccountAsync("ModelListing", listing, CancellationToken.None));
            var stored = await idx.Registry.FindAsync(modelId, CancellationToken.None);
            Assert.Equal((ListingStatus.Delisted, listing), (stored?.Status, stored?.ListingAccount));
            Assert.Equal(1, closed.ListingRows);
            Assert.Equal(ListingStatus.Approved, (await idx.Registry.FindAsync(Gemma, CancellationToken.None))?.Status);

            Assert.Equal(0, (await idx.Cycle.RunCycleAsync(CancellationToken.None)).Writes);
            Assert.Equal(0, (await chain.CreateIndexer(prefix).Cycle.RunCycleAsync(CancellationToken.None)).Writes);
        }
        finally
        {
            await SetAccountAsync(listing, 0, "11111111111111111111111111111111", []);
            await SetAccountAsync(order, 0, "11111111111111111111111111111111", []);
        }
    }

    [Fact]
    public async Task AColdCycleWhoseAccountReadFails_TakesTheListingsFromTheStoredShards_AndDelistsNothing()
    {
        var prefix = Prefix();
        await chain.CreateIndexer(prefix).Cycle.RunCycleAsync(CancellationToken.None);
        var faults = new IndexerChainFixture.FaultHandler((method, _) =>
            method == "getProgramAccounts" ? IndexerChainFixture.FaultHandler.Status(HttpStatusCode.ServiceUnavailable) : null);
        var cold = chain.CreateIndexer(prefix, faults, maxRetries: 0);

        var report = await cold.Cycle.RunCycleAsync(CancellationToken.None);

        Assert.Contains(report.Failures, f => f.StartsWith("accounts:ModelListing", StringComparison.Ordinal));
        Assert.Equal(
            [(chain.Model(DeepSeek).GetProperty("listing").GetString(), chain.Model(DeepSeek).GetProperty("mint").GetString()), (chain.Model(Gemma).GetProperty("listing").GetString(), chain.Model(Gemma).GetProperty("mint").GetString())],
            report.Listings.OrderBy(l => l.ModelId, StringComparer.Ordinal).Select(l => ((string?)l.Address, (string?)l.Mint)));
        Assert.Equal(500, report.Listings.Single(l => l.ModelId == Gemma).ModelFeeBps);
        Assert.All(await cold.Registry.ReadAllAsync(CancellationToken.None), l => Assert.Equal(ListingStatus.Approved, l.Status));
        Assert.Equal(0, report.Writes);
    }

    [Fact]
    public async Task ACycleWithAnRpcFailureMidway_FailsOnlyThatSource_AndTheNextResumes_WithoutDuplicatesOrGaps()
    {
        var failing = false;
        var transactionsWhileFailing = 0;
        var faults = new IndexerChainFixture.FaultHandler((method, n) =>
            method == "getProgramAccounts" && n == 1 ? IndexerChainFixture.FaultHandler.Status(HttpStatusCode.TooManyRequests) // backed off and retried
            : failing && method == "getTransaction" && Interlocked.Increment(ref transactionsWhileFailing) > 2 ? IndexerChainFixture.FaultHandler.Status(HttpStatusCode.ServiceUnavailable)
            : null);
        var idx = chain.CreateIndexer(Prefix(), faults, new IndexerOptions { HistoryChunk = 2 }, maxRetries: 1);
        var baseline = await idx.Cycle.RunCycleAsync(CancellationToken.None);
        Assert.Empty(baseline.Failures);
        Assert.Contains("getProgramAccounts#1:429", faults.Injected);
        var deepseek = chain.Model(DeepSeek);
        var mint = deepseek.GetProperty("mint").GetString()!;
        var vault = PublicKey.Parse(deepseek.GetProperty("vaultUsdcAccount").GetString()!);
        var signatures = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            signatures.Add(await SendAsync(TokenProgram.TransferChecked(
                PublicKey.Parse(chain.Address("payerUsdcAccount")), PublicKey.Parse(chain.Address("usdcMint")), vault, Payer.PublicKey, (ulong)i * 1000, 6)));
        }

        failing = true;
        var broken = await idx.Cycle.RunCycleAsync(CancellationToken.None);

        var failure = Assert.Single(broken.Failures);
        Assert.StartsWith($"history:Vault:{vault}", failure, StringComparison.Ordinal);
        var partial = (await FactsAsync(idx, mint)).Where(f => signatures.Contains(f.Signature)).ToList();
        Assert.Equal(signatures[..2], partial.OrderBy(f => f.Slot).ThenBy(f => signatures.IndexOf(f.Signature)).Select(f => f.Signature));
        // The other sources ran: the vault's balance is already the chain's.
        await AssertAgreesWithChainAsync(idx);

        failing = false;
        var resumed = await idx.Cycle.RunCycleAsync(CancellationToken.None);

        Assert.Empty(resumed.Failures);
        var facts = (await FactsAsync(idx, mint)).Where(f => signatures.Contains(f.Signature)).ToList();
        Assert.Equal(signatures.Order(), facts.Select(f => f.Signature).Order());
        Assert.Equal([1000L, 2000, 3000, 4000, 5000], facts.Select(f => f.Amount).Order());
        Assert.All(facts, f => Assert.Equal(ChainFactKind.Revenue, f.Kind));
        Assert.Equal(3, resumed.Facts);
    }

    [Fact]
    public async Task TwoOverlappingRuns_DoNoHarm()
    {
        var prefix = Prefix();
        var a = chain.CreateIndexer(prefix);
        var b = chain.CreateIndexer(prefix);
        await a.Cycle.RunCycleAsync(CancellationToken.None);
        var gemma = chain.Model(Gemma);
        var vault = PublicKey.Parse(gemma.GetProperty("vaultUsdcAccount").GetString()!);
        var signatures = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            signatures.Add(await SendAsync(TokenProgram.TransferChecked(
                PublicKey.Parse(chain.Address("payerUsdcAccount")), PublicKey.Parse(chain.Address("usdcMint")), vault, Payer.PublicKey, (ulong)i * 7, 6)));
        }

        // Three transfers, not one sent again: equal transfers under one blockhash are the same bytes (ed25519 signs
        // deterministically), which the chain answers AlreadyProcessed and the sender takes as confirmed.
        Assert.Equal(3, signatures.Distinct(StringComparer.Ordinal).Count());
        var both = await Task.WhenAll(a.Cycle.RunCycleAsync(CancellationToken.None), b.Cycle.RunCycleAsync(CancellationToken.None));

        Assert.All(both, r => Assert.Empty(r.Failures));
        var facts = (await FactsAsync(a, gemma.GetProperty("mint").GetString()!)).Where(f => signatures.Contains(f.Signature)).ToList();
        Assert.Equal(signatures.Order(StringComparer.Ordinal), facts.Select(f => f.Signature).Order(StringComparer.Ordinal));
        Assert.Equal([7L, 14, 21], facts.Select(f => f.Amount).Order());
        await AssertAgreesWithChainAsync(a);
        Assert.Equal(0, (await a.Cycle.RunCycleAsync(CancellationToken.None)).Writes);
        Assert.Equal(0, (await b.Cycle.RunCycleAsync(CancellationToken.None)).Writes);
    }

    private Keypair Payer => chain.Keypair("payer");

    private static string Prefix() => "ix" + Guid.NewGuid().ToString("N")[..10];

    private async Task<string> SendAsync(TransactionInstruction instruction)
    {
        var rpc = chain.Client();
        var sender = new TransactionSender(rpc, Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri(chain.Rpc)], ConfirmationPollInterval = TimeSpan.FromMilliseconds(50) }), TimeProvider.System, NullLogger<TransactionSender>.Instance);
        var blockhash = (await rpc.GetLatestBlockhashAsync()).GetValueOrThrow().Value;
        var transaction = new Transaction(Message.Compile(Payer.PublicKey, blockhash.Blockhash, [instruction])).Sign([Payer]);
        var outcome = await sender.SendAndConfirmAsync(transaction.Serialize(), blockhash.LastValidBlockHeight);
        Assert.True(outcome.Status == SendStatus.Confirmed, $"{outcome.Status}: {outcome.Error}");
        return transaction.Id;
    }

    /// <summary>Writes an account on the local chain (its <c>surfnet_setAccount</c> cheatcode): how a test opens or closes a program account without the program.</summary>
    private async Task SetAccountAsync(string address, ulong lamports, string owner, byte[] data)
    {
        using var http = new HttpClient();
        var body = JsonSerializer.Serialize(new object[] { address, new Dictionary<string, object> { ["lamports"] = lamports, ["owner"] = owner, ["data"] = Convert.ToHexString(data) } });
        using var response = await http.PostAsync(chain.Rpc, new StringContent($$"""{"jsonrpc":"2.0","id":1,"method":"surfnet_setAccount","params":{{body}}}""", System.Text.Encoding.UTF8, "application/json"));
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(answer.TryGetProperty("error", out var error), error.ToString());
    }

    /// <summary>Vault balances and supplies in the tables equal what getTokenAccountBalance and getTokenSupply say.</summary>
    private async Task AssertAgreesWithChainAsync(IndexerChainFixture.Indexer idx)
    {
        var rpc = chain.Client();
        var mints = await idx.Tables.MintsAsync(CancellationToken.None);
        var vaults = await idx.Tables.VaultsAsync(CancellationToken.None);
        Assert.Equal(2, mints.Count);
        Assert.Equal(2, vaults.Count);
        foreach (var m in mints)
        {
            Assert.Equal((long)(await rpc.GetTokenSupplyAsync(m.Mint)).GetValueOrThrow().Value.RawAmount, m.Supply);
        }

        foreach (var v in vaults)
        {
            Assert.Equal((long)(await rpc.GetTokenAccountBalanceAsync(v.VaultUsdcAccount)).GetValueOrThrow().Value.RawAmount, v.Amount);
        }
    }

    private static async Task<List<ChainFact>> FactsAsync(IndexerChainFixture.Indexer idx, string mint)
    {
        var facts = new List<ChainFact>();
        await foreach (var f in idx.Tables.HistoryAsync(mint, null, CancellationToken.None))
        {
            facts.Add(f);
        }

        return facts;
    }
}
