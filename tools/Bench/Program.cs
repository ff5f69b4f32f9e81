using System.Diagnostics;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Settlement;
using Bourse.Usage;

// Settlement throughput on the running stack's Azurite (./bourse up):
//   dotnet run -c Release --project tools/Bench -- [events=20000] [models=10] [parallel=8] [batched|single]
// batched: each model's events in ≤100-row batches (a consumer that settles many messages at once);
// single: one event per call, `parallel` calls at a time, as the queue trigger delivers them.
var events = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
var models = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
var parallel = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 8;
var single = args.Length > 3 && args[3] == "single";

var localJson = Path.Combine(FindRoot(), ".bourse", "local.json");
var storage = JsonDocument.Parse(File.ReadAllText(localJson)).RootElement.GetProperty("storage").GetString()!;
var tables = new TableServiceClient(storage);
var ledger = new SettlementLedger(tables);
var payables = new VaultPayables(tables);
var day = TimeProvider.System.GetUtcNow().Date;
var run = Guid.NewGuid().ToString("N")[..8];
var random = new Random(1);
var postings = Enumerable.Range(0, events).Select(i => SettlementPosting.For(
    new UsageEvent($"bench-{run}-{i}", UsageEvent.CreditsRail, $"bench-{run}/model-{i % models}", "deepseek/deepseek-chat",
        random.Next(10, 2_000), random.Next(10, 2_000), false, random.NextInt64(1, 100_000), $"req-{i}", day.AddSeconds(i % 86_400), AccountId: $"acct-{i % 50}"),
    250, 100, paidIntoVault: false)).ToList();

await ledger.PostAsync(postings.Take(200).ToList(), CancellationToken.None); // warm-up (counted as already posted below)
await payables.AccrueAsync(postings.Take(200).ToList(), CancellationToken.None);
var stopwatch = Stopwatch.StartNew();
var posted = 0;
IEnumerable<List<SettlementPosting>> units = single
    ? postings.Skip(200).Select(p => new List<SettlementPosting> { p })
    : postings.Skip(200).GroupBy(p => p.Event.Model).Select(g => g.ToList());
await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (events, ct) =>
{
    // What the settlement consumer does: the ledger rows and the vault payable, side by side.
    var ledgerRows = ledger.PostAsync(events, ct);
    await Task.WhenAll(ledgerRows, payables.AccrueAsync(events, ct));
    Interlocked.Add(ref posted, await ledgerRows);
});
stopwatch.Stop();
Console.WriteLine($"settlement: {posted} usage events posted in {stopwatch.Elapsed.TotalSeconds:0.00} s = {posted / stopwatch.Elapsed.TotalSeconds:0} events/s " +
    $"(ledger rows and vault payables; {(single ? "one event per call" : $"batches of ≤{SettlementLedger.MaxBatch} rows per partition")}, {models} models, {parallel} in parallel, Azurite)");

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
