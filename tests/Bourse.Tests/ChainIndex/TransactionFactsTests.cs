using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.ChainIndex;
using Bourse.Quasar;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Bourse.Solana.Rpc.Models;
using SimpleBase;

namespace Bourse.Tests.ChainIndex;

/// <summary>Facts from a transaction as getTransaction (json) returns it: token movements, log events and emit_cpi events.</summary>
public sealed class TransactionFactsTests
{
    private static readonly QuasarIdl Idl = QuasarIdl.Default;
    private static readonly string Program = Idl.ProgramId.ToString();
    private readonly PublicKey _payer = Keypair.Generate().PublicKey;
    private readonly PublicKey _payerUsdc = Keypair.Generate().PublicKey;
    private readonly PublicKey _vault = Keypair.Generate().PublicKey;
    private readonly PublicKey _usdc = Keypair.Generate().PublicKey;
    private readonly PublicKey _mint = Keypair.Generate().PublicKey;
    private readonly PublicKey _listingAddress = Keypair.Generate().PublicKey;

    [Fact]
    public void ADepositThroughTheProgram_GivesRevenue_ALogEvent_AndAnEmitCpiEvent_EachWithItsOwnIndex()
    {
        var listing = Listing();
        var listings = new Dictionary<string, ChainListing> { [listing.Address] = listing };
        var deposited = Idl.Event("RevenueDeposited").Encode(new Dictionary<string, object?> { ["listing"] = _listingAddress, ["vault_usdc"] = _vault, ["payer"] = _payer, ["amount"] = 750_000UL });
        var burned = Idl.Event("TokensBurned").Encode(new Dictionary<string, object?> { ["listing"] = _listingAddress, ["mint"] = _mint, ["amount"] = 9UL, ["supply_after"] = 91UL });
        var tx = Transaction(
            logs:
            [
                $"Program {Program} invoke [1]",
                "Program log: Instruction: DepositRevenue",
                $"Program {ProgramIds.Token} invoke [2]",
                $"Program data: {Convert.ToBase64String(deposited)}", // written by the token program: not the program's event
                $"Program {ProgramIds.Token} success",
                $"Program data: {Convert.ToBase64String(deposited)}",
                $"Program {Program} invoke [2]",
                $"Program {Program} success",
                $"Program {Program} consumed 5000 of 200000 compute units",
                $"Program {Program} success",
            ],
            inner: [(2, [3, 5, 4, 0], TokenProgram.TransferChecked(_payerUsdc, _usdc, _vault, _payer, 750_000, 6).Data), (1, [], [0xFF, .. burned])]);

        var revenue = Assert.Single(TransactionFacts.Extract(tx, "sig", new WatchedAddress(WatchKind.Vault, _vault.ToString(), listing), Idl, listings));
        Assert.Equal((ChainFactKind.Revenue, "0.0", 750_000L, _mint.ToString(), "m/x"), (revenue.Kind, revenue.Index, revenue.Amount, revenue.Mint, revenue.ModelId));
        Assert.Equal(_payer.ToString(), revenue.Counterparty);

        var events = TransactionFacts.Extract(tx, "sig", new WatchedAddress(WatchKind.Program, Program, null), Idl, listings);
        Assert.Equal(2, events.Count);
        var cpi = Assert.Single(events, e => e.EventName == "TokensBurned");
        Assert.Equal(("0.1", _mint.ToString(), "m/x"), (cpi.Index, cpi.Mint, cpi.ModelId));
        Assert.Equal(91, JsonNode.Parse(cpi.EventJson!)!["supply_after"]!.GetValue<long>());
        var log = Assert.Single(events, e => e.EventName == "RevenueDeposited");
        Assert.Equal(("e0.0", 750_000L, "sig:e0.0"), (log.Index, log.Amount, log.RowKey));
        Assert.Equal(_vault.ToString(), JsonNode.Parse(log.EventJson!)!["vault_usdc"]!.GetValue<string>());

        Assert.Empty(TransactionFacts.Extract(tx, "sig", new WatchedAddress(WatchKind.Mint, _mint.ToString(), listing), Idl, listings));
    }

    [Fact]
    public void AFailedTransaction_HoldsNoFacts()
    {
        var listing = Listing();
        var tx = Transaction([], [(2, [3, 5, 4, 0], TokenProgram.TransferChecked(_payerUsdc, _usdc, _vault, _payer, 1, 6).Data)], err: """{"InstructionError":[0,{"Custom":1}]}""");
        Assert.Empty(TransactionFacts.Extract(tx, "sig", new WatchedAddress(WatchKind.Vault, _vault.ToString(), listing), Idl, new Dictionary<string, ChainListing>()));
    }

    private ChainListing Listing() => new(_listingAddress.ToString(), "m/x", _mint.ToString(), ProgramIds.Token.ToString(), "B", 500, _payer.ToString(), _vault.ToString(), "Approved", 1);

    /// <summary>One top-level call of the program (accounts: payer, program, token program, payer's USDC, vault, USDC mint) with the given inner instructions (program and accounts as indexes into those keys).</summary>
    private TransactionDetails Transaction(string[] logs, (int Program, int[] Accounts, byte[] Data)[] inner, string err = "null")
    {
        var keys = new[] { _payer, Idl.ProgramId, ProgramIds.Token, _payerUsdc, _vault, _usdc }.Select(k => k.ToString()).ToArray();
        var innerJson = inner.Select(i => new JsonObject
        {
            ["programIdIndex"] = i.Program,
            ["accounts"] = new JsonArray([.. i.Accounts.Select(a => (JsonNode)a)]),
            ["data"] = Base58.Bitcoin.Encode(i.Data),
            ["stackHeight"] = 2,
        }).ToArray();
        var json = new JsonObject
        {
            ["slot"] = 42,
            ["blockTime"] = 1_764_000_000,
            ["transaction"] = new JsonObject
            {
                ["signatures"] = new JsonArray("sig"),
                ["message"] = new JsonObject
                {
                    ["accountKeys"] = new JsonArray([.. keys.Select(k => (JsonNode)k!)]),
                    ["instructions"] = new JsonArray(new JsonObject { ["programIdIndex"] = 1, ["accounts"] = new JsonArray(0, 3, 4, 5), ["data"] = Base58.Bitcoin.Encode(new byte[] { 13, 1 }) }),
                },
            },
            ["meta"] = new JsonObject
            {
                ["err"] = JsonNode.Parse(err),
                ["fee"] = 5000,
                ["preBalances"] = new JsonArray(),
                ["postBalances"] = new JsonArray(),
                ["logMessages"] = new JsonArray([.. logs.Select(l => (JsonNode)l!)]),
                ["innerInstructions"] = new JsonArray(new JsonObject { ["index"] = 0, ["instructions"] = new JsonArray(innerJson) }),
                ["loadedAddresses"] = new JsonObject { ["writable"] = new JsonArray(), ["readonly"] = new JsonArray() },
            },
        };
        return JsonSerializer.Deserialize(json.ToJsonString(), SolanaRpcJsonContext.Default.TransactionDetails)!;
    }
}
