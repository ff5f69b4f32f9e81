using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Bourse.Solana.Rpc.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace Bourse.Solana.Rpc;

/// <summary>
/// Solana JSON-RPC over HTTP. Reads retry 429 and 5xx with jittered exponential backoff (honouring
/// <c>Retry-After</c>), each try on the next configured URL. <see cref="SendTransactionAsync"/> retries
/// only what provably did not reach a node (429); anything ambiguous comes back as
/// <see cref="RpcErrorKind.Unavailable"/> for <see cref="TransactionSender"/> to resolve by signature status.
/// </summary>
public sealed partial class SolanaRpcClient
{
    private static readonly SolanaRpcJsonContext Json = SolanaRpcJsonContext.Default;

    private readonly HttpClient _http;
    private readonly SolanaRpcOptions _options;
    private readonly ILogger<SolanaRpcClient> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _reads;
    private readonly ResiliencePipeline<HttpResponseMessage> _sends;
    private int _preferred;
    private long _nextId;

    public SolanaRpcClient(HttpClient http, IOptions<SolanaRpcOptions> options, TimeProvider time, ILogger<SolanaRpcClient> logger)
    {
        _http = http;
        _options = options.Value;
        _logger = logger;
        _reads = Pipeline(retryServerErrors: true, time);
        _sends = Pipeline(retryServerErrors: false, time);
    }

    public string Commitment => _options.Commitment;

    public Task<RpcResult<ContextValue<LatestBlockhash>>> GetLatestBlockhashAsync(CancellationToken cancellationToken = default) =>
        CallAsync("getLatestBlockhash", [Config()], Json.ContextValueLatestBlockhash, cancellationToken);

    public Task<RpcResult<ulong>> GetSlotAsync(CancellationToken cancellationToken = default) =>
        CallAsync("getSlot", [Config()], Json.UInt64, cancellationToken);

    public Task<RpcResult<ulong>> GetBlockHeightAsync(CancellationToken cancellationToken = default) =>
        CallAsync("getBlockHeight", [Config()], Json.UInt64, cancellationToken);

    public Task<RpcResult<ContextValue<ulong>>> GetBalanceAsync(string address, CancellationToken cancellationToken = default) =>
        CallAsync("getBalance", [address, Config()], Json.ContextValueUInt64, cancellationToken);

    public Task<RpcResult<ContextValue<AccountInfo?>>> GetAccountInfoAsync(string address, DataSlice? slice = null, CancellationToken cancellationToken = default) =>
        CallAsync("getAccountInfo", [address, AccountConfig(slice)], Json.ContextValueAccountInfo, cancellationToken);

    /// <summary>Up to 100 accounts; missing ones are null, in the order asked.</summary>
    public Task<RpcResult<ContextValue<AccountInfo?[]>>> GetMultipleAccountsAsync(IReadOnlyList<string> addresses, DataSlice? slice = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(addresses.Count, 100);
        return CallAsync("getMultipleAccounts", [new JsonArray([.. addresses.Select(a => JsonValue.Create(a))]), AccountConfig(slice)], Json.ContextValueAccountInfoArray, cancellationToken);
    }

    public Task<RpcResult<ContextValue<KeyedAccount[]>>> GetProgramAccountsAsync(
        string programId, IReadOnlyList<ProgramAccountFilter> filters, DataSlice? slice = null, CancellationToken cancellationToken = default)
    {
        var config = AccountConfig(slice);
        config["withContext"] = true;
        config["filters"] = new JsonArray([.. filters.Select(f => f.ToJson())]);
        return CallAsync("getProgramAccounts", [programId, config], Json.ContextValueKeyedAccountArray, cancellationToken);
    }

    public Task<RpcResult<ContextValue<TokenAmount>>> GetTokenAccountBalanceAsync(string tokenAccount, CancellationToken cancellationToken = default) =>
        CallAsync("getTokenAccountBalance", [tokenAccount, Config()], Json.ContextValueTokenAmount, cancellationToken);

    public Task<RpcResult<ContextValue<TokenAmount>>> GetTokenSupplyAsync(string mint, CancellationToken cancellationToken = default) =>
        CallAsync("getTokenSupply", [mint, Config()], Json.ContextValueTokenAmount, cancellationToken);

    public Task<RpcResult<ulong>> GetMinimumBalanceForRentExemptionAsync(ulong dataLength, CancellationToken cancellationToken = default) =>
        CallAsync("getMinimumBalanceForRentExemption", [dataLength], Json.UInt64, cancellationToken);

    public Task<RpcResult<string>> RequestAirdropAsync(string address, ulong lamports, CancellationToken cancellationToken = default) =>
        CallAsync("requestAirdrop", [address, lamports], Json.String, cancellationToken);

    /// <summary>Sends a signed transaction once; returns its signature. See <see cref="TransactionSender"/> to confirm it.</summary>
    public Task<RpcResult<string>> SendTransactionAsync(ReadOnlyMemory<byte> transaction, bool skipPreflight = false, CancellationToken cancellationToken = default)
    {
        var config = new JsonObject
        {
            ["encoding"] = "base64",
            ["skipPreflight"] = skipPreflight,
            ["preflightCommitment"] = _options.Commitment,
            ["maxRetries"] = 0,
        };
        return CallAsync("sendTransaction", [Convert.ToBase64String(transaction.Span), config], Json.String, cancellationToken, _sends);
    }

    public Task<RpcResult<ContextValue<SimulationResult>>> SimulateTransactionAsync(
        ReadOnlyMemory<byte> transaction, bool verifySignatures = true, bool replaceRecentBlockhash = false, CancellationToken cancellationToken = default)
    {
        var config = new JsonObject
        {
            ["encoding"] = "base64",
            ["sigVerify"] = verifySignatures,
            ["replaceRecentBlockhash"] = replaceRecentBlockhash,
            ["commitment"] = _options.Commitment,
        };
        return CallAsync("simulateTransaction", [Convert.ToBase64String(transaction.Span), config], Json.ContextValueSimulationResult, cancellationToken);
    }

    /// <summary>Up to 256 signatures; unknown ones are null.</summary>
    public Task<RpcResult<ContextValue<SignatureStatus?[]>>> GetSignatureStatusesAsync(
        IReadOnlyList<string> signatures, bool searchTransactionHistory = false, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signatures.Count, 256);
        var config = new JsonObject { ["searchTransactionHistory"] = searchTransactionHistory };
        return CallAsync("getSignatureStatuses", [new JsonArray([.. signatures.Select(s => JsonValue.Create(s))]), config], Json.ContextValueSignatureStatusArray, cancellationToken);
    }

    /// <summary>Newest first.</summary>
    public Task<RpcResult<SignatureInfo[]>> GetSignaturesForAddressAsync(
        string address, int limit = 1000, string? before = null, string? until = null, CancellationToken cancellationToken = default)
    {
        var config = Config();
        config["limit"] = Math.Clamp(limit, 1, 1000);
        if (before is not null)
        {
            config["before"] = before;
        }

        if (until is not null)
        {
            config["until"] = until;
        }

        return CallAsync("getSignaturesForAddress", [address, config], Json.SignatureInfoArray, cancellationToken);
    }

    /// <summary>A landed transaction, or null when the node does not know it. <paramref name="encoding"/>: json or base64.</summary>
    public Task<RpcResult<TransactionDetails?>> GetTransactionAsync(string signature, string encoding = "json", CancellationToken cancellationToken = default)
    {
        var config = new JsonObject
        {
            ["encoding"] = encoding,
            ["commitment"] = _options.Commitment == "processed" ? "confirmed" : _options.Commitment,
            ["maxSupportedTransactionVersion"] = 0,
        };
        return CallAsync<TransactionDetails?>("getTransaction", [signature, config], Json.TransactionDetails!, cancellationToken);
    }

    private JsonObject Config() => new() { ["commitment"] = _options.Commitment };

    private JsonObject AccountConfig(DataSlice? slice)
    {
        var config = Config();
        config["encoding"] = "base64";
        if (slice is not null)
        {
            config["dataSlice"] = new JsonObject { ["offset"] = slice.Offset, ["length"] = slice.Length };
        }

        return config;
    }

    private async Task<RpcResult<T>> CallAsync<T>(
        string method, JsonArray parameters, JsonTypeInfo<T> resultType, CancellationToken cancellationToken, ResiliencePipeline<HttpResponseMessage>? pipeline = null)
    {
        var id = Interlocked.Increment(ref _nextId);
        var body = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString();
        var attempt = 0;
        HttpResponseMessage response;
        try
        {
            response = await (pipeline ?? _reads).ExecuteAsync(
                async ct =>
                {
                    var url = _options.RpcUrls[(Volatile.Read(ref _preferred) + attempt++) % _options.RpcUrls.Count];
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(_options.RequestTimeout);
                    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                    var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                    if (answer.IsSuccessStatusCode && attempt > 1)
                    {
                        // Stay on the endpoint that answered.
                        Volatile.Write(ref _preferred, (Volatile.Read(ref _preferred) + attempt - 1) % _options.RpcUrls.Count);
                    }

                    return answer;
                },
                cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.Unreachable(_logger, method, e.GetType().Name);
            return RpcError.Unavailable($"No RPC endpoint answered {method}.");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                Log.HttpFailure(_logger, method, (int)response.StatusCode);
                return response.StatusCode == HttpStatusCode.TooManyRequests
                    ? new RpcError(RpcErrorKind.RateLimited, 429, "Every RPC endpoint is rate limiting.", [])
                    : new RpcError(RpcErrorKind.Unavailable, (int)response.StatusCode, $"RPC answered HTTP {(int)response.StatusCode}.", []);
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            var root = document.RootElement;
            if (root.TryGetProperty("error", out var error))
            {
                var rpcError = RpcErrors.FromJson(error);
                Log.RpcFailure(_logger, method, rpcError.Code, rpcError.Kind);
                return rpcError;
            }

            return new RpcResult<T>(root.GetProperty("result").Deserialize(resultType), null);
        }
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(bool retryServerErrors, TimeProvider time)
    {
        var options = _options;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && args.Outcome switch
                {
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } => true,
                    { Result: { } r } => retryServerErrors && (int)r.StatusCode >= 500,
                    { Exception: HttpRequestException or OperationCanceledException } => retryServerErrors,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            })
            .Build();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta <= TimeSpan.FromSeconds(30) ? delta : TimeSpan.FromSeconds(30),
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(1000, LogLevel.Warning, "Solana RPC {Method}: no endpoint answered ({Reason})")]
        public static partial void Unreachable(ILogger logger, string method, string reason);

        [LoggerMessage(1001, LogLevel.Warning, "Solana RPC {Method}: HTTP {Status}")]
        public static partial void HttpFailure(ILogger logger, string method, int status);

        [LoggerMessage(1002, LogLevel.Information, "Solana RPC {Method}: error {Code} ({Kind})")]
        public static partial void RpcFailure(ILogger logger, string method, int code, RpcErrorKind kind);
    }
}
