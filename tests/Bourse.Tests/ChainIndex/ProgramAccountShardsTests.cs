using Bourse.ChainIndex;
using Bourse.Quasar;
using Bourse.Solana;
using Bourse.Tests.Quasar;

namespace Bourse.Tests.ChainIndex;

/// <summary>The packed layout of <c>ProgramAccounts</c>: a shard row holds many decoded accounts and reads back as they were.</summary>
public sealed class ProgramAccountShardsTests
{
    private const double TargetQuarter = ProgramAccountShards.TargetChars / 4.0;
    private static readonly QuasarIdl Idl = QuasarIdl.Default;

    [Fact]
    public void AShardOfEveryAccountType_RoundTrips_StringsAndVectorsIncluded()
    {
        var random = new Random(11);
        foreach (var type in Idl.Accounts)
        {
            var accounts = Accounts(type, 5, random);
            var row = ProgramAccountShards.ToEntity(type.Name, ProgramAccountShards.RowKey(4, 1), accounts.Select(a => (a.Address, a.Data.Length, type.Decode(a.Data))).ToList(), 1234, "H");

            var read = ProgramAccountShards.Read(row);

            Assert.Equal(type.Name, row.PartitionKey);
            Assert.Equal(accounts.Select(a => a.Address), read.Select(a => a.Address));
            for (var i = 0; i < accounts.Count; i++)
            {
                Assert.Equal((type.Name, 1234L, accounts[i].Data.Length), (read[i].Type, read[i].Slot, read[i].DataSize));
                Assert.Equal(ProgramAccountColumns.Json(type.Decode(accounts[i].Data)), read[i].Fields.GetRawText());
            }
        }
    }

    [Fact]
    public void ALargeShard_IsSplitOverColumnsUnderThePropertyLimit_AndReadsBackWhole()
    {
        var type = Idl.Account("ProviderOffer");
        var accounts = Accounts(type, 400, new Random(3));

        var row = ProgramAccountShards.ToEntity(type.Name, "00001-00000", accounts.Select(a => (a.Address, a.Data.Length, type.Decode(a.Data))).ToList(), 1, "H");

        var chunks = row.Keys.Where(k => k.StartsWith(ProgramAccountShards.ChunkPrefix, StringComparison.Ordinal)).ToList();
        Assert.True(chunks.Count > 2, $"{chunks.Count} chunks");
        Assert.All(chunks, k => Assert.InRange(((string)row[k]).Length, 1, Bourse.Storage.ChunkedText.MaxChars));
        var read = ProgramAccountShards.Read(row);
        Assert.Equal(400, read.Count);
        Assert.Equal(400, row.GetInt32(ProgramAccountShards.CountColumn));
        Assert.Equal(type.Decode(accounts[399].Data).GetString("endpoint"), read[399].Fields.GetProperty("endpoint").GetString());
    }

    [Fact]
    public void TheShardHash_ChangesWithAnyAccountsData_OrAnAccountGone_AndNotOtherwise()
    {
        var type = Idl.Account("Order");
        var accounts = Accounts(type, 10, new Random(5));
        var hash = ProgramAccountShards.Hash(accounts);

        Assert.Equal(hash, ProgramAccountShards.Hash([.. accounts.Select(a => (a.Address, (byte[])a.Data.Clone()))]));
        var changed = accounts.Select(a => (a.Address, (byte[])a.Data.Clone())).ToList();
        changed[7].Item2[^1] ^= 1;
        Assert.NotEqual(hash, ProgramAccountShards.Hash(changed));
        Assert.NotEqual(hash, ProgramAccountShards.Hash(accounts.Where((_, i) => i != 3).ToList()));
    }

    [Fact]
    public void TheShardCount_KeepsRowsNearTheTarget_AndDoesNotFlipBackAndForth()
    {
        var type = Idl.Account("Order");
        var size = (long)Accounts(type, 1, new Random(1))[0].Data.Length;
        var count = ProgramAccountShards.ShardCount(type, 100_000, 100_000 * size, current: 0);
        var rowJson = Accounts(type, 200, new Random(2)).Select(a => ProgramAccountColumns.Json(type.Decode(a.Data)).Length + 80).Average() * 100_000 / count;

        Assert.True(count is > 1 and < 4096 && (count & (count - 1)) == 0, $"{count} shards");
        Assert.InRange(rowJson, TargetQuarter, ProgramAccountShards.TargetChars);
        Assert.Equal(1, ProgramAccountShards.ShardCount(type, 3, 3 * size, current: 0));
        Assert.Equal(count, ProgramAccountShards.ShardCount(type, 100_010, 100_010 * size, current: count)); // a few more accounts: kept
        Assert.Equal(count, ProgramAccountShards.ShardCount(type, 40_000, 40_000 * size, current: count)); // fewer: kept up to 4x sparse
        Assert.True(ProgramAccountShards.ShardCount(type, 400_000, 400_000 * size, current: count) > count); // outgrown
        Assert.Equal(ProgramAccountShards.ShardOf("So11111111111111111111111111111111111111112", 64), ProgramAccountShards.ShardOf("So11111111111111111111111111111111111111112", 64));
        Assert.Equal(64, ProgramAccountShards.ShardCountOf(ProgramAccountShards.RowKey(64, 5)));
    }

    private static List<(string Address, byte[] Data)> Accounts(IdlAccount type, int n, Random random) =>
        [.. Enumerable.Range(0, n)
            .Select(_ => (Keypair.Generate().PublicKey.ToString(), type.Encode(IdlValues.For(type.Layout, random))))
            .OrderBy(a => a.Item1, StringComparer.Ordinal)];
}
