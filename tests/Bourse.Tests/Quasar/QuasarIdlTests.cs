using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Quasar;
using Bourse.Solana;

namespace Bourse.Tests.Quasar;

public sealed class QuasarIdlTests
{
    private static readonly QuasarIdl Idl = QuasarIdl.Default;

    public static TheoryData<string> AccountTypes() => [.. QuasarIdl.Default.Accounts.Select(a => a.Name)];

    [Fact]
    public void BundledIdl_DescribesTheProgram()
    {
        Assert.Equal("quasar-idl/1.0.0", Idl.Spec);
        Assert.Equal("FAKZeAsRzau1uJrrzf4hMrKRuoPXs7ip1u8exgNd6Zkv", Idl.ProgramId.ToString());
        Assert.Equal(15, Idl.Instructions.Count);
        Assert.Equal(["ProtocolConfig", "ModelListing", "ProviderOffer", "Order", "RevenueVault"], Idl.Accounts.Select(a => a.Name));
        Assert.Equal(["RevenueDeposited", "OrderSettled", "BuybackExecuted", "TokensBurned"], Idl.Events.Select(e => e.Name));
        foreach (var name in new[] { "register_model", "create_offer", "place_order", "settle_order", "buyback", "burn" })
        {
            Assert.NotNull(Idl.Instruction(name));
        }
    }

    [Fact]
    public void AccountSpaces_InTheFile_AgreeWithTheLayouts()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Infrastructure.LocalStack.RepositoryRoot, "shared", "Quasar", QuasarIdl.BundledFileName)))!;
        foreach (var entry in json["accounts"]!.AsArray())
        {
            var account = Idl.Account(entry!["name"]!.GetValue<string>());
            Assert.Equal(entry["space"]!["min"]!.GetValue<int>(), account.Discriminator.Length + account.Layout.MinimumSize);
            Assert.Equal(entry["space"]!["max"]?.GetValue<int>(), account.Discriminator.Length + account.Layout.MaximumSize);
        }
    }

    [Theory]
    [MemberData(nameof(AccountTypes))]
    public void EveryAccountType_RoundTrips(string name)
    {
        var account = Idl.Account(name);
        for (var seed = 0; seed < 20; seed++)
        {
            var values = IdlValues.For(account.Layout, new Random(seed));
            var data = account.Encode(values);

            var decoded = account.Decode(data);

            Assert.Equal(name, decoded.TypeName);
            IdlValues.AssertSame(values, decoded, name);
            Assert.Equal(data, account.Encode(decoded.Fields.ToDictionary(f => f.Key, f => f.Value)));
            Assert.Same(account, Idl.AccountTypeOf(data));
        }
    }

    [Fact]
    public void ModelListing_HasTheWireLayoutOfTheSpec_FixedFieldsThenPrefixesThenPayloads()
    {
        var mint = Keypair.Generate().PublicKey;
        var values = ListingValues(mint, "google/gemma-3-27b-it", "https://x");
        var data = Idl.Account("ModelListing").Encode(values);

        Assert.Equal(2, data[0]); // discriminator
        Assert.Equal(mint.Bytes.ToArray(), data[33..65]); // creator @1, mint @33
        const int fixedEnd = 1 + (5 * 32) + 1 + 2 + 1 + 8 + 1;
        Assert.Equal(500, BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(1 + (5 * 32) + 1))); // model_fee_bps after track
        Assert.Equal("google/gemma-3-27b-it".Length, data[fixedEnd]); // u8 prefix of model_id
        Assert.Equal("https://x".Length, data[fixedEnd + 1]); // u8 prefix of metadata_uri
        Assert.Equal("google/gemma-3-27b-it", Encoding.UTF8.GetString(data, fixedEnd + 2, 21));
        Assert.Equal("https://x", Encoding.UTF8.GetString(data, fixedEnd + 2 + 21, 9));
        Assert.Equal(fixedEnd + 2 + 21 + 9, data.Length);
    }

    [Fact]
    public void ProviderOffer_VectorOfStrings_AndRevenueVault_VectorOfStructs_RoundTrip()
    {
        var offer = Idl.Account("ProviderOffer");
        var values = IdlValues.For(offer.Layout, new Random(1));
        values["regions"] = new List<object?> { "us-east", "eu", "" };
        values["endpoint"] = "";
        var decoded = offer.Decode(offer.Encode(values));
        Assert.Equal(["us-east", "eu", ""], ((IReadOnlyList<object?>)decoded["regions"]!).Cast<string>());
        Assert.Equal("", decoded.GetString("endpoint"));

        var vault = Idl.Account("RevenueVault");
        var v = IdlValues.For(vault.Layout, new Random(2));
        v["recent_buybacks"] = new List<object?>
        {
            new Dictionary<string, object?> { ["slot"] = 10UL, ["usdc_in"] = 1_000_000UL, ["tokens_out"] = 42UL },
            new Dictionary<string, object?> { ["slot"] = 11UL, ["usdc_in"] = 2UL, ["tokens_out"] = 3UL },
        };
        var buybacks = (IReadOnlyList<object?>)vault.Decode(vault.Encode(v))["recent_buybacks"]!;
        Assert.Equal(2, buybacks.Count);
        Assert.Equal(1_000_000UL, ((QuasarRecord)buybacks[0]!).GetUInt64("usdc_in"));
        Assert.Equal(11UL, ((QuasarRecord)buybacks[1]!).GetUInt64("slot"));
    }

    [Fact]
    public void AChangedIdl_WithNewFields_DecodesWithoutACodeChange()
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Infrastructure.LocalStack.RepositoryRoot, "shared", "Quasar", QuasarIdl.BundledFileName)))!;
        var listing = json["types"]!.AsArray().First(t => t!["name"]!.GetValue<string>() == "ModelListing")!;
        var fields = listing["fields"]!.AsArray();
        fields.Insert(5, new JsonObject { ["name"] = "buyback_bps", ["type"] = "u16" }); // a fixed field in the middle
        fields.Add(new JsonObject
        {
            ["name"] = "tags", ["type"] = new JsonObject { ["vec"] = "string" },
            ["codec"] = new JsonObject { ["kind"] = "sizePrefixed", ["prefix"] = new JsonObject { ["type"] = "u16" }, ["storage"] = "tail", ["maxItems"] = 4 },
        });
        listing["layout"]!["inlineFields"]!.AsArray().Insert(5, "buyback_bps");
        listing["layout"]!["tailFields"]!.AsArray().Add("tags");
        var changed = QuasarIdl.Parse(json.ToJsonString());

        // Bytes as the new program writes them, laid out by hand: the old fields, the new u16 after vault_usdc, then three prefixes and payloads.
        var mint = Keypair.Generate().PublicKey;
        var old = Idl.Account("ModelListing").Encode(ListingValues(mint, "m/x", "u"));
        var fixedEnd = 1 + (5 * 32);
        var data = new List<byte>(old[..fixedEnd]) { 0x2C, 0x01 }; // buyback_bps = 300
        data.AddRange(old[fixedEnd..(fixedEnd + 13)]); // track .. bump
        data.AddRange([3, 1, 2, 0]); // prefixes: model_id (u8), metadata_uri (u8), tags (u16 = 2)
        data.AddRange("m/xu"u8.ToArray());
        data.AddRange([3, (byte)'g', (byte)'p', (byte)'u', 0]); // tags: "gpu", ""
        var decoded = changed.Account("ModelListing").Decode([.. data]);

        Assert.Equal(300UL, decoded.GetUInt64("buyback_bps"));
        Assert.Equal("m/x", decoded.GetString("model_id"));
        Assert.Equal("u", decoded.GetString("metadata_uri"));
        Assert.Equal(["gpu", ""], ((IReadOnlyList<object?>)decoded["tags"]!).Cast<string>());
        Assert.Equal(mint, decoded.GetPublicKey("mint"));
        // And the old IDL refuses the new bytes rather than misreading them.
        Assert.False(Idl.Account("ModelListing").TryDecode([.. data], out _, out _));
    }

    [Fact]
    public void AnAccount_OfTheWrongDiscriminatorOrLength_IsRefused()
    {
        var listing = Idl.Account("ModelListing");
        var data = listing.Encode(ListingValues(Keypair.Generate().PublicKey, "google/gemma-3-27b-it", "https://x"));

        Assert.False(Idl.Account("ProviderOffer").TryDecode(data, out _, out var wrongType));
        Assert.Contains("discriminator", wrongType, StringComparison.Ordinal);
        Assert.False(listing.TryDecode(data.AsSpan(..^1), out _, out var truncated));
        Assert.Contains("ends", truncated, StringComparison.Ordinal);
        Assert.False(listing.TryDecode([.. data, 0], out _, out var trailing));
        Assert.Contains("more", trailing, StringComparison.Ordinal);
        Assert.False(listing.TryDecode([], out _, out _));
        Assert.Throws<FormatException>(() => listing.Decode(data.AsSpan(..100)));

        var tooLong = (byte[])data.Clone();
        tooLong[1 + (5 * 32) + 13] = 65; // model_id's prefix above its maxBytes (64)
        Assert.False(listing.TryDecode(tooLong, out _, out var overMax));
        Assert.Contains("maximum", overMax, StringComparison.Ordinal);

        var badEnum = (byte[])data.Clone();
        badEnum[1 + (5 * 32)] = 9; // track has two variants
        Assert.False(listing.TryDecode(badEnum, out _, out _));
    }

    [Fact]
    public void Encode_RefusesValuesTheLayoutCannotHold()
    {
        var listing = Idl.Account("ModelListing");
        var values = ListingValues(Keypair.Generate().PublicKey, new string('x', 65), "");
        Assert.Throws<ArgumentException>(() => listing.Encode(values));
        values = ListingValues(Keypair.Generate().PublicKey, "ok", "");
        values["model_fee_bps"] = 70_000;
        Assert.Throws<ArgumentException>(() => listing.Encode(values));
        values.Remove("model_fee_bps");
        Assert.Throws<ArgumentException>(() => listing.Encode(values));
    }

    [Fact]
    public void Burn_BuildsDataAndAccounts_ResolvingConstantsAndPdas()
    {
        var crank = Keypair.Generate().PublicKey;
        var listing = Keypair.Generate().PublicKey;
        var vaultTokens = Keypair.Generate().PublicKey;
        var mint = Keypair.Generate().PublicKey;
        var ix = Idl.Instruction("burn").Build(
            new Dictionary<string, PublicKey> { ["cranker"] = crank, ["listing"] = listing, ["vaultTokenAccount"] = vaultTokens, ["mint"] = mint, ["tokenProgram"] = Bourse.Solana.Programs.ProgramIds.Token2022 },
            new Dictionary<string, object?> { ["amount"] = 123_456UL });

        Assert.Equal(Idl.ProgramId, ix.ProgramId);
        Assert.Equal([15, 0x40, 0xE2, 0x01, 0, 0, 0, 0, 0], ix.Data);
        var (revenueVault, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("revenue_vault"), listing.Bytes.ToArray()], Idl.ProgramId);
        var (vaultAuthority, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("vault_authority"), listing.Bytes.ToArray()], Idl.ProgramId);
        Assert.Equal([crank, listing, revenueVault, vaultAuthority, vaultTokens, mint, Bourse.Solana.Programs.ProgramIds.Token2022], ix.Accounts.Select(a => a.Key));
        Assert.True(ix.Accounts[0].IsSigner);
        Assert.Equal([false, true, true, false, true, true, false], ix.Accounts.Select(a => a.IsWritable));
        Assert.Equal(123_456UL, Idl.Instruction("burn").DecodeArgs(ix.Data).GetUInt64("amount"));
    }

    [Fact]
    public void Buyback_TakesTheVenueAccountsAfterItsOwn_AndAVecArg()
    {
        var accounts = new Dictionary<string, PublicKey>();
        foreach (var name in new[] { "cranker", "listing", "vaultUsdc", "vaultTokenAccount", "mint", "usdcMint", "tokenProgram", "swapProgram" })
        {
            accounts[name] = Keypair.Generate().PublicKey;
        }

        var venue = new AccountMeta(Keypair.Generate().PublicKey, false, true);
        var ix = Idl.Instruction("buyback").Build(accounts, new Dictionary<string, object?> { ["usdc_amount"] = 5UL, ["min_tokens_out"] = 7UL, ["route"] = new byte[] { 1, 2, 3 } }, [venue]);

        Assert.Equal(14, ix.Data[0]);
        Assert.Equal([3, 0, 1, 2, 3], ix.Data[17..]);
        Assert.Equal(venue, ix.Accounts[^1]);
        Assert.Equal(13, ix.Accounts.Count);
        Assert.Throws<ArgumentException>(() => Idl.Instruction("burn").Build(accounts, new Dictionary<string, object?> { ["amount"] = 1UL }));
    }

    [Fact]
    public void PlaceOrder_DerivesItsOrderPda_FromAnArg()
    {
        var buyer = Keypair.Generate().PublicKey;
        var metas = Idl.Instruction("place_order").AccountMetas(
            new Dictionary<string, PublicKey> { ["buyer"] = buyer, ["offer"] = buyer, ["listing"] = buyer, ["buyerUsdc"] = buyer, ["escrowUsdc"] = buyer, ["usdcMint"] = buyer },
            new Dictionary<string, object?> { ["nonce"] = 7UL, ["max_amount"] = 1UL });
        var nonce = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(nonce, 7);
        var (order, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("order"), buyer.Bytes.ToArray(), nonce], Idl.ProgramId);
        Assert.Equal(order, metas[3].Key);
        var (escrow, _) = PublicKey.FindProgramAddress([Encoding.UTF8.GetBytes("escrow"), order.Bytes.ToArray()], Idl.ProgramId);
        Assert.Equal(escrow, metas[5].Key);
    }

    [Fact]
    public void Events_DecodeFromTheirBytes_AndNothingElseDecodesAsOne()
    {
        var e = Idl.Event("TokensBurned");
        var listing = Keypair.Generate().PublicKey;
        var bytes = e.Encode(new Dictionary<string, object?> { ["listing"] = listing, ["mint"] = listing, ["amount"] = 5UL, ["supply_after"] = 95UL });
        var decoded = Idl.DecodeEvent(bytes)!;
        Assert.Equal("TokensBurned", decoded.TypeName);
        Assert.Equal(95UL, decoded.GetUInt64("supply_after"));
        Assert.Null(Idl.DecodeEvent(bytes.AsSpan(..^1)));
        Assert.Null(Idl.DecodeEvent([0x7F, .. bytes[1..]]));
    }

    [Fact]
    public void AMalformedIdl_IsRefusedWithTheReason()
    {
        Assert.Throws<FormatException>(() => QuasarIdl.Parse("""{"spec":"anchor","name":"x","address":"11111111111111111111111111111111"}"""));
        var clash = """
            {"spec":"quasar-idl/1.0.0","name":"x","address":"11111111111111111111111111111111",
             "accounts":[{"name":"A","discriminator":[1]},{"name":"B","discriminator":[1]}],
             "types":[{"name":"A","kind":"struct","fields":[]},{"name":"B","kind":"struct","fields":[]}]}
            """;
        Assert.Contains("clashing", Assert.Throws<FormatException>(() => QuasarIdl.Parse(clash)).Message, StringComparison.Ordinal);
        var unknown = """
            {"spec":"quasar-idl/1.0.0","name":"x","address":"11111111111111111111111111111111",
             "accounts":[{"name":"A","discriminator":[1]}],
             "types":[{"name":"A","kind":"struct","fields":[{"name":"f","type":"Nope"}]}]}
            """;
        Assert.Contains("Nope", Assert.Throws<FormatException>(() => QuasarIdl.Parse(unknown)).Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, object?> ListingValues(PublicKey mint, string modelId, string uri) => new()
    {
        ["creator"] = Keypair.Generate().PublicKey,
        ["mint"] = mint,
        ["token_program"] = Bourse.Solana.Programs.ProgramIds.Token,
        ["vault_authority"] = Keypair.Generate().PublicKey,
        ["vault_usdc"] = Keypair.Generate().PublicKey,
        ["track"] = "B",
        ["model_fee_bps"] = 500,
        ["status"] = "Approved",
        ["registered_at"] = 1_700_000_000L,
        ["bump"] = 254,
        ["model_id"] = modelId,
        ["metadata_uri"] = uri,
    };
}
