using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Listings;
using Bourse.Quasar;
using Bourse.Solana;
using Bourse.Solana.Rpc;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.ChainIndex;

/// <summary>
/// A private local chain (tools/chain with the committed seed: the program's accounts in the IDL's layout, an SPL
/// and a Token-2022 listing with vaults), so that no other test's transactions reach the addresses the indexer
/// watches; indexers on the stack's Azurite with a private table prefix each.
/// </summary>
public sealed class IndexerChainFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bourse-indexer-").FullName;
    private Process? _chain;

    public string Rpc { get; private set; } = "";

    public JsonElement Chain { get; private set; }

    public TableServiceClient Tables { get; } = new(LocalStack.Instance.Storage);

    public async Task InitializeAsync()
    {
        var ready = Path.Combine(_dir, "chain.json");
        var info = new ProcessStartInfo("node") { UseShellExecute = false, WorkingDirectory = LocalStack.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine("tools", "chain", "server.mjs"), "--port", "0", "--seed", Path.Combine("tools", "chain", "seed.json"), "--ready-file", ready, "--quiet", "--slot-ms", "100" })
        {
            info.ArgumentList.Add(arg);
        }

        _chain = Process.Start(info)!;
        _chain.OutputDataReceived += (_, _) => { };
        _chain.ErrorDataReceived += (_, _) => { };
        _chain.BeginOutputReadLine();
        _chain.BeginErrorReadLine();
        for (var i = 0; !File.Exists(ready); i++)
        {
            if (_chain.HasExited || i > 600)
            {
                throw new InvalidOperationException("The private chain did not start.");
            }

            await Task.Delay(100);
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(ready));
        Chain = json.RootElement.Clone();
        Rpc = Chain.GetProperty("rpc").GetString()!;
    }

    public Task DisposeAsync()
    {
        if (_chain is { HasExited: false })
        {
            _chain.Kill();
            _chain.WaitForExit(5000);
        }

        _chain?.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    public string Address(string name) => Chain.GetProperty(name).GetString()!;

    public Keypair Keypair(string name) => Bourse.Solana.Keypair.FromSecretKey([.. Chain.GetProperty(name + "Keypair").EnumerateArray().Select(b => b.GetByte())]);

    public JsonElement Model(string id) => Chain.GetProperty("models").EnumerateArray().First(m => m.GetProperty("id").GetString() == id);

    public SolanaRpcClient Client(FaultHandler? faults = null, int maxRetries = 2) => new(
        faults is null ? new HttpClient() : new HttpClient(faults),
        Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri(Rpc)], RetryBaseDelay = TimeSpan.FromMilliseconds(20), MaxRetries = maxRetries }),
        TimeProvider.System,
        NullLogger<SolanaRpcClient>.Instance);

    /// <summary>An indexer over private tables (<paramref name="prefix"/>); another indexer with the same prefix is a second instance.</summary>
    public Indexer CreateIndexer(string prefix, FaultHandler? faults = null, IndexerOptions? options = null, int maxRetries = 2)
    {
        var rpc = Client(faults, maxRetries);
        var tables = new ChainTables(Tables, prefix);
        var cache = new ChangeCache();
        var registry = new ListingStore(Tables, prefix);
        var indexer = new ChainIndexer(
            QuasarIdl.Default, tables, cache,
            new ProgramAccountSource(rpc, tables, cache, NullLogger<ProgramAccountSource>.Instance),
            new TokenStateSource(rpc, tables, cache, NullLogger<TokenStateSource>.Instance),
            new HistorySource(rpc, tables, TimeProvider.System, NullLogger<HistorySource>.Instance),
            registry,
            Options.Create(options ?? new IndexerOptions()),
            NullLogger<ChainIndexer>.Instance);
        return new Indexer(indexer, tables, registry);
    }

    public sealed record Indexer(ChainIndexer Cycle, ChainTables Tables, ListingStore Registry);

    /// <summary>Fails chosen RPC calls: <c>fail(method, nth call of that method)</c> returns a response to give instead, or null to pass.</summary>
    public sealed class FaultHandler(Func<string, int, HttpResponseMessage?> fail) : DelegatingHandler(new HttpClientHandler())
    {
        private readonly Dictionary<string, int> _counts = [];

        public List<string> Injected { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            var method = JsonDocument.Parse(body).RootElement.GetProperty("method").GetString()!;
            int n;
            lock (_counts)
            {
                n = _counts[method] = _counts.GetValueOrDefault(method) + 1;
            }

            if (fail(method, n) is { } response)
            {
                lock (Injected)
                {
                    Injected.Add($"{method}#{n}:{(int)response.StatusCode}");
                }

                return response;
            }

            return await base.SendAsync(request, cancellationToken);
        }

        public static HttpResponseMessage Status(HttpStatusCode status) => new(status) { Content = new StringContent("") };
    }
}
