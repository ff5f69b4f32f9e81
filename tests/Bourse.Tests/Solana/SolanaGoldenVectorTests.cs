using System.Text.Json;
using Bourse.Solana;
using Bourse.Solana.Programs;
using SimpleBase;

namespace Bourse.Tests.Solana;

/// <summary>The C# Solana layer against the reference JS libraries, byte for byte.</summary>
public sealed class SolanaGoldenVectorTests(GoldenVectors vectors) : IClassFixture<GoldenVectors>
{
    [Fact]
    public void Base58_RandomBytesWithLeadingZeros_MatchesWeb3()
    {
        foreach (var v in vectors["base58"].EnumerateArray())
        {
            var raw = Convert.FromBase64String(v.GetProperty("bytes").GetString()!);
            Assert.Equal(v.GetProperty("text").GetString(), Base58.Bitcoin.Encode(raw));
            Assert.Equal(raw, Base58.Bitcoin.Decode(v.GetProperty("text").GetString()!).ToArray());
        }
    }

    [Fact]
    public void IsOnCurve_ThousandRandomKeys_MatchesWeb3()
    {
        var checkedCount = 0;
        foreach (var v in vectors["onCurve"].EnumerateArray())
        {
            var key = new PublicKey(Convert.FromBase64String(v.GetProperty("key").GetString()!));
            Assert.Equal(v.GetProperty("onCurve").GetBoolean(), key.IsOnCurve);
            checkedCount++;
        }

        Assert.Equal(1000, checkedCount);
    }

    [Fact]
    public void FindProgramAddress_ThousandRandomSeeds_MatchesWeb3IncludingBump()
    {
        var bumpsBelow255 = 0;
        foreach (var v in vectors["pdas"].EnumerateArray())
        {
            var seeds = v.GetProperty("seeds").EnumerateArray().Select(s => Convert.FromBase64String(s.GetString()!)).ToList();
            var (address, bump) = PublicKey.FindProgramAddress(seeds, PublicKey.Parse(v.GetProperty("programId").GetString()!));
            Assert.Equal(v.GetProperty("address").GetString(), address.ToString());
            Assert.Equal(v.GetProperty("bump").GetInt32(), bump);
            bumpsBelow255 += bump < 255 ? 1 : 0;
        }

        Assert.True(bumpsBelow255 > 100, "the vectors exercise the bump search");
    }

    [Fact]
    public void FindAssociatedTokenAddress_ThousandOwnersTokenAndToken2022_MatchesSplToken()
    {
        foreach (var v in vectors["atas"].EnumerateArray())
        {
            var address = PublicKey.FindAssociatedTokenAddress(Key(v, "owner"), Key(v, "mint"), Key(v, "programId"));
            Assert.Equal(v.GetProperty("address").GetString(), address.ToString());
        }
    }

    [Fact]
    public void Builders_EveryInstruction_MatchesTheOfficialBuilders()
    {
        var names = new List<string>();
        foreach (var v in vectors["builders"].EnumerateArray())
        {
            var name = v.GetProperty("name").GetString()!;
            var built = Build(name, v.GetProperty("args"));
            Assert.Equal(v.GetProperty("programId").GetString(), built.ProgramId.ToString());
            Assert.Equal(v.GetProperty("data").GetString(), Convert.ToBase64String(built.Data));
            Assert.Equal(
                v.GetProperty("keys").EnumerateArray().Select(k => (k.GetProperty("pubkey").GetString(), k.GetProperty("isSigner").GetBoolean(), k.GetProperty("isWritable").GetBoolean())),
                built.Accounts.Select(a => ((string?)a.Key.ToString(), a.IsSigner, a.IsWritable)));
            names.Add(name);
        }

        Assert.Equal(21, names.Count);
    }

    [Fact]
    public void Transactions_LegacyAndV0WithLookupTable_AreByteIdenticalToWeb3()
    {
        var versioned = 0;
        foreach (var v in vectors["transactions"].EnumerateArray())
        {
            using var payer = Keypair.FromSeed(Convert.FromBase64String(v.GetProperty("payerSeed").GetString()!));
            using var other = Keypair.FromSeed(Convert.FromBase64String(v.GetProperty("otherSeed").GetString()!));
            var instructions = v.GetProperty("instructions").EnumerateArray().Select(Instruction).ToList();
            var table = v.GetProperty("table") is { ValueKind: JsonValueKind.Object } t
                ? new AddressLookupTable(Key(t, "key"), [.. t.GetProperty("addresses").EnumerateArray().Select(a => PublicKey.Parse(a.GetString()!))])
                : null;

            var message = Message.Compile(payer.PublicKey, v.GetProperty("blockhash").GetString()!, instructions, table is null ? null : [table]);
            var transaction = new Transaction(message).Sign(payer, other);
            var bytes = transaction.Serialize();

            Assert.Equal(v.GetProperty("bytes").GetString(), Convert.ToBase64String(bytes));
            Assert.True(transaction.VerifySignatures());
            Assert.Equal(bytes, Transaction.Deserialize(bytes).Serialize());
            versioned += message.IsVersioned ? 1 : 0;
        }

        Assert.Equal(20, versioned);
    }

    private static PublicKey Key(JsonElement e, string name) => PublicKey.Parse(e.GetProperty(name).GetString()!);

    private static ulong U64(JsonElement e, string name) => ulong.Parse(e.GetProperty(name).GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    private static TransactionInstruction Instruction(JsonElement v) => new(
        Key(v, "programId"),
        [.. v.GetProperty("keys").EnumerateArray().Select(k => new AccountMeta(Key(k, "pubkey"), k.GetProperty("isSigner").GetBoolean(), k.GetProperty("isWritable").GetBoolean()))],
        Convert.FromBase64String(v.GetProperty("data").GetString()!));

    private static TransactionInstruction Build(string name, JsonElement a) => name switch
    {
        "SystemTransfer" => SystemProgram.Transfer(Key(a, "from"), Key(a, "to"), U64(a, "lamports")),
        "SystemCreateAccount" => SystemProgram.CreateAccount(Key(a, "from"), Key(a, "newAccount"), U64(a, "lamports"), U64(a, "space"), Key(a, "owner")),
        "TransferChecked" => TokenProgram.TransferChecked(Key(a, "source"), Key(a, "mint"), Key(a, "destination"), Key(a, "owner"), U64(a, "amount"), a.GetProperty("decimals").GetByte()),
        "TransferChecked2022" => TokenProgram.TransferChecked(Key(a, "source"), Key(a, "mint"), Key(a, "destination"), Key(a, "owner"), U64(a, "amount"), a.GetProperty("decimals").GetByte(), ProgramIds.Token2022),
        "Burn" => TokenProgram.Burn(Key(a, "account"), Key(a, "mint"), Key(a, "owner"), U64(a, "amount")),
        "BurnChecked" => TokenProgram.BurnChecked(Key(a, "account"), Key(a, "mint"), Key(a, "owner"), U64(a, "amount"), a.GetProperty("decimals").GetByte()),
        "MintTo" => TokenProgram.MintTo(Key(a, "mint"), Key(a, "destination"), Key(a, "authority"), U64(a, "amount")),
        "InitializeMint2" => TokenProgram.InitializeMint2(Key(a, "mint"), a.GetProperty("decimals").GetByte(), Key(a, "mintAuthority"), Key(a, "freezeAuthority")),
        "InitializeMint2NoFreeze" => TokenProgram.InitializeMint2(Key(a, "mint"), a.GetProperty("decimals").GetByte(), Key(a, "mintAuthority"), programId: ProgramIds.Token2022),
        "InitializeAccount3" => TokenProgram.InitializeAccount3(Key(a, "account"), Key(a, "mint"), Key(a, "owner")),
        "CloseAccount" => TokenProgram.CloseAccount(Key(a, "account"), Key(a, "destination"), Key(a, "owner")),
        "AtaCreate" => AssociatedTokenProgram.Create(Key(a, "payer"), Key(a, "owner"), Key(a, "mint")),
        "AtaCreateIdempotent2022" => AssociatedTokenProgram.CreateIdempotent(Key(a, "payer"), Key(a, "owner"), Key(a, "mint"), ProgramIds.Token2022),
        "InitializeTransferFeeConfig" => TransferFeeExtension.InitializeTransferFeeConfig(Key(a, "mint"), Key(a, "configAuthority"), Key(a, "withdrawAuthority"), a.GetProperty("basisPoints").GetUInt16(), U64(a, "maximumFee")),
        "TransferCheckedWithFee" => TransferFeeExtension.TransferCheckedWithFee(Key(a, "source"), Key(a, "mint"), Key(a, "destination"), Key(a, "owner"), U64(a, "amount"), a.GetProperty("decimals").GetByte(), U64(a, "fee")),
        "WithdrawWithheldTokensFromMint" => TransferFeeExtension.WithdrawWithheldTokensFromMint(Key(a, "mint"), Key(a, "destination"), Key(a, "withdrawAuthority")),
        "WithdrawWithheldTokensFromAccounts" => TransferFeeExtension.WithdrawWithheldTokensFromAccounts(Key(a, "mint"), Key(a, "destination"), Key(a, "withdrawAuthority"), [.. a.GetProperty("sources").EnumerateArray().Select(s => PublicKey.Parse(s.GetString()!))]),
        "HarvestWithheldTokensToMint" => TransferFeeExtension.HarvestWithheldTokensToMint(Key(a, "mint"), [.. a.GetProperty("sources").EnumerateArray().Select(s => PublicKey.Parse(s.GetString()!))]),
        "SetComputeUnitLimit" => ComputeBudgetProgram.SetComputeUnitLimit(a.GetProperty("units").GetUInt32()),
        "SetComputeUnitPrice" => ComputeBudgetProgram.SetComputeUnitPrice(U64(a, "microLamports")),
        "Memo" => MemoProgram.Memo(a.GetProperty("text").GetString()!, [.. a.GetProperty("signers").EnumerateArray().Select(s => PublicKey.Parse(s.GetString()!))]),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no C# builder mapped"),
    };
}
