using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Listings;
using Bourse.Quasar;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SimpleBase;

// Indexer throughput on the running stack's Azurite (./bourse up; or BOURSE_LOCAL_JSON=<a local.json with "storage">),
// against a private local chain (tools/chain) seeded with the committed seed plus N generated program accounts
// (50% orders, 40% offers, 10% revenue vaults, in the IDL's layout):
//   dotnet run -c Release --project tools/IndexerBench -- [accounts=10000,100000]
// For each N, three whole indexer cycles (ChainIndexer.RunCycleAsync, wall time), each of which includes:
// getProgramAccounts over HTTP for every IDL account type (the chain's JSON answer, parsed by our RPC client), the
// shard content hashes, decoding and writing the changed shards to ProgramAccounts, the Listings registry, the
// listings' mints and vaults (getMultipleAccounts, Token-2022 withheld fees) and their history (getSignaturesForAddress,
// getTransaction).
//   1. first cycle: every account decoded and written (the table starts empty);
//   2. unchanged cycle, same process: every account fetched and hashed again, nothing decoded but listings, 0 writes;
//   3. unchanged cycle, cold process: the same from a new indexer, which first reads the shard hashes back.
var sizes = (args.Length > 0 ? args[0] : "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
var root = FindRoot();
var localJson = Environment.GetEnvironmentVariable("BOURSE_LOCAL_JSON") is { Length: > 0 } p ? p : Path.Combine(root, ".bourse", "local.json");
var storage = JsonDocument.Parse(File.ReadAllText(localJson)).RootElement.GetProperty("storage").GetString()!;
var service = new TableServiceClient(storage);
var idl = QuasarIdl.Default;

foreach (var n in sizes)
{
    var dir = Directory.CreateTempSubdirectory("bourse-indexer-bench-").FullName;
    try
    {
        var seedWatch = Stopwatch.StartNew();
        var seedPath = WriteSeed(root, dir, n);
        using var chain = StartChain(root, seedPath, Path.Combine(dir, "chain.json"));
        var rpcUrl = await WaitForChainAsync(Path.Combine(dir, "chain.json"), chain);
        Console.WriteLine($"indexer bench: {n:N0} generated program accounts (+7 seeded), chain ready in {seedWatch.Elapsed.TotalSeconds:0.0} s");

        var prefix = "bench" + Guid.NewGuid().ToString("N")[..8];
        var first = CreateIndexer(rpcUrl, service, prefix);
        var (report, elapsed) = await TimeAsync(first);
        Print("first cycle", "decoded and written", report, elapsed, n + 7);
        (report, elapsed) = await TimeAsync(first);
        Print("unchanged cycle", "fetched and checked", report, elapsed, n + 7);
        (report, elapsed) = await TimeAsync(CreateIndexer(rpcUrl, service, prefix));
        Print("unchanged cycle, cold process", "fetched and checked", report, elapsed, n + 7);

        // Decoding alone (in memory): what the IDL codec costs per account.
        var accounts = new List<(IdlAccount Type, byte[] Data)>();
        var rpc = Client(rpcUrl);
        foreach (var type in idl.Accounts)
        {
            var all = (await rpc.GetProgramAccountsAsync(idl.ProgramId.ToString(), [type.Filter])).GetValueOrThrow().Value;
            accounts.AddRange(all.Select(a => (type, a.Account.Data)));
        }

        var decodeWatch = Stopwatch.StartNew();
        for (var round = 0; round < 3; round++)
        {
            foreach (var (type, data) in accounts)
            {
                type.Decode(data);
            }
        }

        Console.WriteLine($"  decode only: {3 * accounts.Count / decodeWatch.Elapsed.TotalSeconds:N0} accounts/s (IDL codec, in memory, {accounts.Count:N0} accounts x 3)");
        foreach (var table in new[] { "ProgramAccounts", "ModelMints", "ModelVaults", "ChainHistory", "IndexerState", "Listings" })
        {
            await service.DeleteTableAsync(prefix + table);
        }

        chain.Kill();
        await chain.WaitForExitAsync();
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}

static void Print(string what, string rate, IndexerCycleReport r, TimeSpan elapsed, int accounts) =>
    Console.WriteLine(
        $"  {what}: {elapsed.TotalSeconds:0.00} s for the whole cycle = {accounts / elapsed.TotalSeconds:N0} accounts/s {rate} " +
        $"(program-accounts stage alone: {r.Timings["accounts"].TotalSeconds:0.00} s = {accounts / r.Timings["accounts"].TotalSeconds:N0}/s); " +
        $"read {r.AccountsRead:N0}, decoded {r.AccountsDecoded:N0}, written {r.AccountsWritten:N0}; " +
        $"rows written {r.Writes:N0} (account shards {r.AccountRows:N0}, mints/vaults {r.TokenRows}, facts {r.Facts}, checkpoints {r.Checkpoints}, listings {r.ListingRows}), failures {r.Failures.Count}\n" +
        "    stages: " + string.Join(", ", r.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:0.00} s")) + " (the accounts: lines are summed over types, two at a time)");

static async Task<(IndexerCycleReport, TimeSpan)> TimeAsync(ChainIndexer indexer)
{
    var watch = Stopwatch.StartNew();
    var report = await indexer.RunCycleAsync(CancellationToken.None);
    return (report, watch.Elapsed);
}

static SolanaRpcClient Client(string url) => new(
    new HttpClient { Timeout = TimeSpan.FromMinutes(5) },
    Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri(url)], RequestTimeout = TimeSpan.FromMinutes(2) }),
    TimeProvider.System,
    NullLogger<SolanaRpcClient>.Instance);

static ChainIndexer CreateIndexer(string rpcUrl, TableServiceClient service, string prefix)
{
    var rpc = Client(rpcUrl);
    var tables = new ChainTables(service, prefix);
    var cache = new ChangeCache();
    return new ChainIndexer(
        QuasarIdl.Default, tables, cache,
        new ProgramAccountSource(rpc, tables, cache, NullLogger<ProgramAccountSource>.Instance),
        new TokenStateSource(rpc, tables, cache, NullLogger<TokenStateSource>.Instance),
        new HistorySource(rpc, tables, TimeProvider.System, NullLogger<HistorySource>.Instance),
        new ListingStore(service, prefix),
        Options.Create(new IndexerOptions
        {
            WriteParallelism = int.TryParse(Environment.GetEnvironmentVariable("BENCH_WRITE_PARALLELISM"), out var w) ? w : new IndexerOptions().WriteParallelism,
        }),
        NullLogger<ChainIndexer>.Instance);
}

// The committed seed, with the IDL at its absolute path and n generated accounts: 50% orders, 40% offers, 10% revenue vaults.
static string WriteSeed(string root, string dir, int n)
{
    var seed = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "tools", "chain", "seed.json")))!;
    seed["program"]!["idl"] = Path.Combine(root, "shared", "Quasar", QuasarIdl.BundledFileName);
    var idl = QuasarIdl.Default;
    var random = new Random(7);
    var accounts = new JsonArray();
    var key = new byte[32];
    for (var i = 0; i < n; i++)
    {
        var type = idl.Account((i % 10) switch { < 5 => "Order", < 9 => "ProviderOffer", _ => "RevenueVault" });
        random.NextBytes(key);
        accounts.Add(new JsonObject
        {
            ["address"] = Base58.Bitcoin.Encode(key),
            ["owner"] = idl.ProgramId.ToString(),
            ["data"] = Convert.ToBase64String(type.Encode(Values(type.Layout, random))),
        });
    }

    seed["accounts"] = accounts;
    var path = Path.Combine(dir, "seed.json");
    File.WriteAllText(path, seed.ToJsonString());
    return path;
}

static Dictionary<string, object?> Values(IdlStruct layout, Random random) => layout.Fields.ToDictionary(f => f.Name, f => Value(f.Type, random));

static object? Value(IdlType type, Random random)
{
    var key = new byte[32];
    random.NextBytes(key);
    return type switch
    {
        IdlType.Primitive { Name: "string" } => "model-" + random.Next(1_000_000).ToString(CultureInfo.InvariantCulture),
        IdlType.Primitive { Name: "pubkey" } => new Bourse.Solana.PublicKey(key),
        IdlType.Primitive { Name: "bool" } => random.Next(2) == 1,
        IdlType.Primitive { Size: 1 } => (byte)random.Next(256),
        IdlType.Primitive { Size: 2 } => (ushort)random.Next(10_000),
        IdlType.Primitive { Size: 4 } => (uint)random.Next(),
        IdlType.Primitive => (ulong)random.NextInt64(1, long.MaxValue),
        IdlType.Vec { Item: IdlType.Primitive { Name: "u8" } } => key,
        IdlType.Vec v => Enumerable.Range(0, 2).Select(_ => Value(v.Item, random)).ToList(),
        IdlType.Array { Item: IdlType.Primitive { Name: "u8" } } a => key[..a.Length],
        IdlType.Defined { Definition: IdlStruct s } => Values(s, random),
        IdlType.Defined { Definition: IdlEnum e } => e.Variants[random.Next(e.Variants.Count)],
        _ => null,
    };
}

static Process StartChain(string root, string seed, string ready)
{
    var info = new ProcessStartInfo("node") { UseShellExecute = false, WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in new[] { Path.Combine("tools", "chain", "server.mjs"), "--port", "0", "--seed", seed, "--ready-file", ready, "--quiet" })
    {
        info.ArgumentList.Add(arg);
    }

    var process = Process.Start(info)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { Console.Error.WriteLine(line); } };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task<string> WaitForChainAsync(string ready, Process chain)
{
    while (!File.Exists(ready))
    {
        if (chain.HasExited)
        {
            throw new InvalidOperationException("The chain did not start.");
        }

        await Task.Delay(100);
    }

    return JsonDocument.Parse(await File.ReadAllTextAsync(ready)).RootElement.GetProperty("rpc").GetString()!;
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Bourse.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Bourse.sln not found.");
}
