using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Buyback;
using Bourse.Solana;
using Bourse.Solana.Rpc;
using Bourse.Tests.Solana.Rpc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bourse.Tests.Buyback;

/// <summary>A swap API answering recorded responses by path, and an RPC node with one blockhash and one lookup table.</summary>
internal sealed class RecordedVenue : HttpMessageHandler
{
    public const string Blockhash = "GHtXQBsoZHVnNFa9YevAzFr17DJjgHXk3ycTKD5xD3Zi";
    public const ulong LastValidBlockHeight = 123_456;

    private readonly Dictionary<string, Func<HttpResponseMessage>> _replies = new(StringComparer.Ordinal);

    public List<(HttpRequestMessage Request, string? Body)> Requests { get; } = [];

    public RecordedVenue On(string path, HttpStatusCode status, string json, TimeSpan? retryAfter = null)
    {
        _replies[path] = () =>
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            if (retryAfter is { } after)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(after);
            }

            return response;
        };
        return this;
    }

    public static IOptions<BuybackOptions> Options => Microsoft.Extensions.Options.Options.Create(new BuybackOptions
    {
        JupiterUrl = new Uri("https://api.jup.ag/swap/v1/"), JupiterApiKey = "jup-test-key", RaydiumUrl = new Uri("https://transaction-v1-devnet.raydium.io/"),
    });

    /// <summary>An RPC client whose node knows <see cref="Blockhash"/> and serves <paramref name="table"/> as an address lookup table.</summary>
    public static SolanaRpcClient Rpc(AddressLookupTable? table = null) => new(
        new HttpClient(new FakeRpcHandler((_, method, _) => method switch
        {
            "getLatestBlockhash" => FakeRpcHandler.Result(new JsonObject
            {
                ["context"] = new JsonObject { ["slot"] = 1 },
                ["value"] = new JsonObject { ["blockhash"] = Blockhash, ["lastValidBlockHeight"] = LastValidBlockHeight },
            }),
            "getMultipleAccounts" => FakeRpcHandler.Result(new JsonObject
            {
                ["context"] = new JsonObject { ["slot"] = 1 },
                ["value"] = new JsonArray(table is null ? null : new JsonObject
                {
                    ["lamports"] = 1, ["owner"] = "AddressLookupTab1e1111111111111111111111111", ["executable"] = false, ["rentEpoch"] = 0,
                    ["data"] = new JsonArray(Convert.ToBase64String([.. new byte[56], .. table.Addresses.SelectMany(a => a.Bytes.ToArray())]), "base64"),
                }),
            }),
            _ => FakeRpcHandler.Error(-32601, "Method not found"),
        })),
        Microsoft.Extensions.Options.Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri("http://rpc.test")], MaxRetries = 0 }),
        TimeProvider.System,
        NullLogger<SolanaRpcClient>.Instance);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request, body));
        }

        return _replies.TryGetValue(request.RequestUri!.AbsolutePath, out var reply)
            ? reply()
            : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("{\"error\":\"not recorded\"}") };
    }
}
