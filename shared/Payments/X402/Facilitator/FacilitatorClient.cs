using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Bourse.Payments.X402;

/// <summary>
/// The facilitator's HTTP API (<c>/supported</c>, <c>/verify</c>, <c>/settle</c>). Every call retries a 429
/// (honouring Retry-After), which provably did not execute. <c>/supported</c> and <c>/verify</c> have no
/// side effects and also retry 5xx, network failures and timeouts. <c>/settle</c> never does: its
/// timeouts and 5xx come back as ambiguous for the ledger to reconcile on chain. With a PayAI key,
/// each attempt carries a fresh signed JWT.
/// </summary>
public sealed partial class FacilitatorClient : IDisposable
{
    private static readonly X402JsonContext Json = X402JsonContext.Default;

    private readonly HttpClient _http;
    private readonly X402Options _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FacilitatorClient> _logger;
    private readonly PayAiJwt? _jwt;
    private readonly ResiliencePipeline<HttpResponseMessage> _reads;
    private readonly ResiliencePipeline<HttpResponseMessage> _settle;

    public FacilitatorClient(HttpClient http, IOptions<X402Options> options, TimeProvider time, ILogger<FacilitatorClient> logger)
    {
        _http = http;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _http.Timeout = Timeout.InfiniteTimeSpan; // per-attempt timeouts are the pipeline's
        _jwt = _options is { PayAiKeyId: { Length: > 0 } id, PayAiKeySecret: { Length: > 0 } secret } ? new PayAiJwt(id, secret) : null;
        _reads = Pipeline(retryServerErrors: true, _options.FacilitatorTimeout);
        _settle = Pipeline(retryServerErrors: false, _options.SettleTimeout);
    }

    public Task<FacilitatorResult<SupportedResponse>> GetSupportedAsync(CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, "supported", null, Json.SupportedResponse, _reads, cancellationToken);

    public Task<FacilitatorResult<VerifyResponse>> VerifyAsync(FacilitatorRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "verify", request, Json.VerifyResponse, _reads, cancellationToken);

    public Task<FacilitatorResult<SettleResponse>> SettleAsync(FacilitatorRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "settle", request, Json.SettleResponse, _settle, cancellationToken);

    public void Dispose() => _jwt?.Dispose();

    private async Task<FacilitatorResult<T>> SendAsync<T>(
        HttpMethod method, string path, FacilitatorRequest? body, JsonTypeInfo<T> typeInfo, ResiliencePipeline<HttpResponseMessage> pipeline, CancellationToken cancellationToken)
        where T : class
    {
        var uri = new Uri(new Uri(_options.FacilitatorUrl.AbsoluteUri.TrimEnd('/') + "/"), path);
        HttpResponseMessage response;
        try
        {
            response = await pipeline.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(method, uri);
                if (body is not null)
                {
                    request.Content = JsonContent.Create(body, Json.FacilitatorRequest);
                }

                if (_jwt is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _jwt.Create(_time.GetUtcNow(), Guid.NewGuid()));
                }

                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
            }, cancellationToken);
        }
        catch (TimeoutRejectedException)
        {
            Log.Failed(_logger, path, FacilitatorError.Timeout, 0);
            return new FacilitatorResult<T>(null, FacilitatorError.Timeout, 0, $"no answer from /{path} in time");
        }
        catch (HttpRequestException e)
        {
            Log.Failed(_logger, path, FacilitatorError.Unavailable, 0);
            return new FacilitatorResult<T>(null, FacilitatorError.Unavailable, 0, e.HttpRequestError.ToString());
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            // A non-2xx carrying the response shape is the facilitator's VerifyError/SettleError: an answer.
            var value = await TryReadAsync(response, typeInfo, cancellationToken);
            if (value is not null && (response.IsSuccessStatusCode || status is 400 or 402 or 422 or 500))
            {
                return new FacilitatorResult<T>(value, FacilitatorError.None, status);
            }

            var error = response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => FacilitatorError.RateLimited,
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => FacilitatorError.Unauthorized,
                >= HttpStatusCode.InternalServerError => FacilitatorError.Unavailable,
                _ => FacilitatorError.BadResponse,
            };
            Log.Failed(_logger, path, error, status);
            return new FacilitatorResult<T>(null, error, status, $"/{path} answered {status}");
        }
    }

    private static async Task<T?> TryReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private ResiliencePipeline<HttpResponseMessage> Pipeline(bool retryServerErrors, TimeSpan attemptTimeout)
    {
        var maxRetryAfter = _options.MaxRetryAfter;
        return new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(_options.MaxRetries, 1),
                Delay = _options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
                {
                    { Result.StatusCode: HttpStatusCode.TooManyRequests } r => _options.MaxRetries > 0 && WillWait(RetryAfter(r.Result!), maxRetryAfter),
                    { Result: { } r } => retryServerErrors && _options.MaxRetries > 0 && (int)r.StatusCode >= 500,
                    { Exception: HttpRequestException or TimeoutRejectedException } => retryServerErrors && _options.MaxRetries > 0,
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfter(r) : null),
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, (int?)args.Outcome.Result?.StatusCode ?? 0, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(attemptTimeout)
            .Build();
    }

    private static bool WillWait(TimeSpan? retryAfter, TimeSpan max) => retryAfter is not { } wait || wait <= max;

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - _time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static partial class Log
    {
        [LoggerMessage(2001, LogLevel.Warning, "Facilitator /{Path} failed: {Error} (HTTP {Status})")]
        public static partial void Failed(ILogger logger, string path, FacilitatorError error, int status);

        [LoggerMessage(2002, LogLevel.Information, "Facilitator retry {Attempt} after HTTP {Status}, waiting {Delay}")]
        public static partial void Retrying(ILogger logger, int attempt, int status, TimeSpan delay);
    }
}
