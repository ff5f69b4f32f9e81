using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Settlement;
using Bourse.Storage;
using Bourse.Usage;

// Settlement end to end, on a running stack (./bourse bench settlement starts a private Release one):
//   dotnet run -c Release --project tools/Bench -- <local.json> [events=20000] [history=100000] [models=10] [accounts=50] [warmup=20000]
// Usage events are enqueued on the stack's `settlement` queue the way rail 1 sends them (arrays of
// events, as many as fit in a message, from several router instances at once), and the drain is timed
// until the host's queue function has posted every one of them (its own counter, GET /admin/metrics:
// bourse.settlement.events). A first run of `warmup` events (the host's JIT and its first loads) is
// printed on its own; then measured on the fresh stack, then again after `history` more events, and
// the cost of a cold poster's first load of the day's partitions (what a new instance pays once).
var localJson = args.Length > 0 ? args[0] : Path.Combine(FindRoot(), ".bourse", "local.json");
var events = Arg(1, 20_000);
var history = Arg(2, 100_000);
var models = Arg(3, 10);
var accounts = Arg(4, 50);
var warmup = Arg(5, 20_000);

var local = JsonDocument.Parse(File.ReadAllText(localJson)).RootElement;
var admin = local.GetProperty("admin").GetString()!;
var storage = local.GetProperty("storage").GetString()!;
var queue = new QueueClient(storage, "settlement", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
await queue.CreateIfNotExistsAsync();
using var http = new HttpClient();
var time = TimeProvider.System;
var run = Guid.NewGuid().ToString("N")[..8];
var random = new Random(1);
var sequence = 0;
var catalogModels = new[] { "deepseek-chat", "kimi-k2.6", "moonshot-v1-32k", "llama-3.3-70b", "google/gemma-3-27b-it" };
var lastOfModel = new Dictionary<string, UsageEvent>(StringComparer.Ordinal);

Console.WriteLine($"settlement benchmark: {events} events per measured run, {models} models, {accounts} accounts, {time.GetUtcNow():u}");
Console.WriteLine("  a figure: events enqueued (4 senders, JSON arrays up to 45 KB as rail 1 sends them) until the host's SettleUsage function has posted them all:");
Console.WriteLine("  per (UTC day, model) one ledger page per commit with the day and hour aggregates (one transaction), then one vault accrual per page");
if (warmup > 0)
{
    await MeasureAsync("cold host (JIT, first loads)", warmup);
}

await MeasureAsync("fresh stack", events);
if (history > 0)
{
    var filled = await DrainAsync(history);
    Console.WriteLine($"  (history: {history} more events posted in {filled.TotalSeconds:0.0} s = {history / filled.TotalSeconds:0} events/s)");
    await MeasureAsync($"after {warmup + history + events} events of history", events);
}

await ColdPosterAsync();

// Ledger pages written today for the models posted to so far (the day aggregates' page counts).
async Task<long> PagesAsync()
{
    var table = new TableServiceClient(storage).GetTableClient(TableNames.Settlements);
    var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    var pages = 0L;
    foreach (var model in lastOfModel.Keys)
    {
        var aggregate = await table.GetEntityIfExistsAsync<TableEntity>(SettlementLedger.Partition(model, today), "aggregate");
        pages += aggregate.HasValue ? aggregate.Value!.GetInt32("Pages") ?? 0 : 0;
    }

    return pages;
}

// What a new instance pays once per (day, model) it posts to: the aggregates, then the id column of the day's pages.
async Task ColdPosterAsync()
{
    var tables = new TableServiceClient(storage);
    var (requests, pages) = (0L, 0L);
    var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
    foreach (var usage in lastOfModel.Values)
    {
        var aggregate = (await tables.GetTableClient(TableNames.Settlements).GetEntityAsync<TableEntity>(SettlementLedger.Partition(usage.Model, today), "aggregate")).Value;
        (requests, pages) = (requests + (aggregate.GetInt64("Requests") ?? 0), pages + (aggregate.GetInt32("Pages") ?? 0));
    }

    var cold = new SettlementLedger(tables, new VaultPayables(tables));
    var started = Stopwatch.GetTimestamp();
    var again = await cold.PostAsync([.. lastOfModel.Values.Select(u => SettlementPosting.For(u, 100))], CancellationToken.None); // already posted: loads, finds, writes nothing
    var elapsed = Stopwatch.GetElapsedTime(started);
    Console.WriteLine($"  cold poster: a redelivered event in each of {lastOfModel.Count} partitions ({requests} events in {pages} pages, {(double)requests / Math.Max(1, pages):0} events per page) " +
        $"loaded their ids in {elapsed.TotalMilliseconds:0} ms ({elapsed.TotalMilliseconds * 1000 / Math.Max(1, requests):0.0} µs per event of the day), {again} posted again");
}

async Task MeasureAsync(string name, int count)
{
    var pages0 = await PagesAsync();
    var (host0, azurite0) = (CpuMs("localhost"), CpuMs("azurite"));
    var elapsed = await DrainAsync(count);
    var (host1, azurite1) = (CpuMs("localhost"), CpuMs("azurite"));
    var pages = await PagesAsync() - pages0;
    Console.WriteLine($"  {name}: {count} events enqueued and posted in {elapsed.TotalSeconds:0.00} s = {count / elapsed.TotalSeconds:0} events/s end to end; " +
        $"CPU per event: host {(host1 - host0) / count:0.000} ms, Azurite {(azurite1 - azurite0) / count:0.000} ms; {pages} ledger pages ({count / (double)Math.Max(1, pages):0} events per page)");
}

// User + system CPU of one of the stack's processes (its pid file beside local.json), in ms.
double CpuMs(string name)
{
    var pidFile = Path.Combine(Path.GetDirectoryName(localJson)!, name + ".pid");
    if (!File.Exists(pidFile))
    {
        return 0;
    }

    var stat = File.ReadAllText($"/proc/{File.ReadAllText(pidFile).Trim()}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
}

async Task<TimeSpan> DrainAsync(int count)
{
    var before = await SettledAsync();
    var batch = Enumerable.Range(0, count).Select(_ => Event()).ToList();
    var started = Stopwatch.GetTimestamp();
    // As rail 1's instances send them: each flush's events in as few messages as fit; 4 senders at once.
    var messages = batch.Chunk(400).SelectMany(chunk => UsageEventPublisher.Messages(chunk)).ToList();
    await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (m, ct) => await queue.SendMessageAsync(new BinaryData(m), cancellationToken: ct));
    while (await SettledAsync() - before < count)
    {
        await Task.Delay(50);
    }

    return Stopwatch.GetElapsedTime(started);
}

UsageEvent Event()
{
    var i = Interlocked.Increment(ref sequence);
    var model = i % models < catalogModels.Length ? catalogModels[i % models] : $"bench-{run}/model-{i % models}";
    return lastOfModel[model] = new UsageEvent(
        $"bench_{run}_{i}", UsageEvent.CreditsRail, model, "deepseek/deepseek-chat", random.Next(10, 2_000), random.Next(10, 2_000), false,
        random.NextInt64(1, 100_000), $"req_{run}_{i}", time.GetUtcNow(), AccountId: $"bench-{run}-{i % accounts}", KeyId: "key_bench",
        Terms: new ChargeTerms(250, $"Mint{i % models}", $"Vault{i % models}", $"VaultUsdc{i % models}")); // a listed model: a creator fee owed to its vault
}

async Task<long> SettledAsync()
{
    var metrics = await http.GetFromJsonAsync<Dictionary<string, long>>($"{admin}/metrics");
    return metrics!.GetValueOrDefault("bourse.settlement.events");
}

int Arg(int index, int fallback) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : fallback;

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
