using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Bourse.Routing;

/// <summary>
/// Picks the cheapest healthy offer for a request and calls it; on a connect failure, a timeout, a 429
/// or a 5xx before the first byte it fails over to the next offer. Returns the call once it has
/// started answering (for a stream: once its first event arrived). Both payment rails use it.
/// </summary>
public sealed partial class ChatRouter(
    ModelCatalog catalog,
    UpstreamClient upstream,
    OfferBreakers breakers,
    FreeQuota freeQuota,
    TokenEstimator estimator,
    IOptions<RoutingOptions> options,
    ILogger<ChatRouter> logger)
{
    private const int MaxCompletionBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The routable offers of a model, cheapest first for this request (free tiers before paid ones), and
    /// the most the call can cost: failover may land on any of them, so holds and quotes take the dearest.
    /// With <paramref name="upperBound"/> (a hold, refunded down to the actual cost) the prompt is bounded
    /// by its bytes, with no tokenizer on the request path; without it (an x402 price, paid as quoted) the
    /// prompt is counted by the tokenizer.
    /// </summary>
    public ChatPlan Plan(ChatRequest request, ModelListing model, bool upperBound = false)
    {
        var promptTokens = upperBound && !request.Raw.IsEmpty ? Pricing.PromptUpperBound(request) : estimator.CountPrompt(request.Body);
        var outputCap = Pricing.OutputCap(request, model);
        var candidates = catalog.RoutableOffers(model)
            .Select(o => (Offer: o, MaxCost: Pricing.Hold(o, promptTokens, outputCap, request.Choices)))
            .OrderBy(o => freeQuota.HasFreeRequest(o.Offer) ? 0 : 1)
            .ThenBy(o => o.MaxCost)
            .ToList();
        return new ChatPlan([.. candidates.Select(c => c.Offer)], candidates.Count == 0 ? 0 : candidates.Max(c => c.MaxCost));
    }

    public async Task<(RoutedCall? Call, ChatError? Error)> StartAsync(
        ChatRequest request, ModelListing model, IReadOnlyList<ProviderOffer> candidates, CancellationToken cancellationToken)
    {
        var attempted = 0;
        var rateLimited = 0;
        TimeSpan? retryAfter = null;
        foreach (var offer in candidates)
        {
            using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            firstByte.CancelAfter(options.Value.FirstByteTimeout);
            HttpResponseMessage response;
            try
            {
                var body = UpstreamBody(request, offer);
                response = await breakers.For(offer).ExecuteAsync(
                    async ct =>
                    {
                        try
                        {
                            return await upstream.SendAsync(offer, body, request.Stream, ct);
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                            // Our first-byte timeout, not the client leaving: the provider's fault, counted by its breaker.
                            throw new TimeoutException($"No response headers within {options.Value.FirstByteTimeout}.");
                        }
                    },
                    firstByte.Token);
            }
            catch (BrokenCircuitException)
            {
                Log.CoolingDown(logger, offer.QualifiedId);
                continue;
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                attempted++;
                Log.Unreachable(logger, offer.QualifiedId, e is HttpRequestException ? "connect" : "timeout");
                continue;
            }

            attempted++;
            if (!response.IsSuccessStatusCode)
            {
                if (OfferBreakers.IsFailure(response.StatusCode) || response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    Log.Refused(logger, offer.QualifiedId, (int)response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        rateLimited++;
                        retryAfter = response.Headers.RetryAfter?.Delta ?? retryAfter;
                    }

                    response.Dispose();
                    continue;
                }

                // The provider found the request itself wrong: the next one would too.
                using (response)
                {
                    return (null, ChatError.BadRequest(await UpstreamMessageAsync(response, cancellationToken), param: null, code: "upstream_rejected_request"));
                }
            }

            if (!request.Stream)
            {
                // The whole answer, before anything reaches the client or is charged: one that is not a
                // chat completion (the provider streamed anyway, or sent garbage) fails over like a 5xx.
                var (completion, bytes) = await CompletionAsync(response, cancellationToken);
                if (completion is not null)
                {
                    return (new RoutedCall(offer, response, null, null, freeQuota.TryTake(offer), completion, bytes), null);
                }

                Log.Unreachable(logger, offer.QualifiedId, "not a chat completion");
                response.Dispose();
                continue;
            }

            var isFree = freeQuota.TryTake(offer);

            var reader = new StreamReader(await response.Content.ReadAsStreamAsync(firstByte.Token));
            try
            {
                var first = await FirstEventAsync(reader, firstByte.Token);
                if (first is not null)
                {
                    return (new RoutedCall(offer, response, reader, first, isFree), null);
                }
            }
            catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Failed before its first byte reached the client: still safe to fail over.
            }

            Log.Unreachable(logger, offer.QualifiedId, "no first event");
            reader.Dispose();
            response.Dispose();
        }

        return attempted == 0 ? (null, ChatError.NothingRoutable(model.Id))
            : rateLimited == attempted ? (null, ChatError.RateLimited($"Every provider of '{model.Id}' is rate limiting; retry shortly.", retryAfter))
            : (null, ChatError.AllOffersFailed(model.Id));
    }

    /// <summary>
    /// The client's body as the provider gets it: the bytes as received with the provider's model name
    /// spliced in, and usage always asked for on streams (added, if the client did not ask).
    /// </summary>
    private static byte[] UpstreamBody(ChatRequest request, ProviderOffer offer)
    {
        var raw = request.Raw.Span;
        if (!raw.IsEmpty && JsonSplice.ReplaceString(raw, "model"u8, offer.UpstreamModel) is { } body)
        {
            if (!request.Stream || request.ClientWantsUsage)
            {
                return body;
            }

            if (JsonSplice.Find(body, "stream_options"u8) is null)
            {
                return JsonSplice.Append(body, "stream_options", """{"include_usage":true}"""u8);
            }
        }

        // Rare shapes (stream_options present without include_usage): edit the tree.
        var tree = (JsonObject)request.Body.DeepClone();
        tree["model"] = offer.UpstreamModel;
        if (request.Stream)
        {
            var streamOptions = tree["stream_options"] as JsonObject ?? [];
            streamOptions["include_usage"] = true;
            tree["stream_options"] = streamOptions;
        }

        return System.Text.Encoding.UTF8.GetBytes(tree.ToJsonString());
    }

    /// <summary>A non-streamed answer read whole (at most <see cref="MaxCompletionBytes"/>), parsed and as its bytes; null when it is not a JSON object.</summary>
    private static async Task<(JsonObject? Completion, byte[]? Bytes)> CompletionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[16_384];
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > MaxCompletionBytes)
                {
                    return (null, null);
                }

                body.Write(buffer, 0, read);
            }

            var bytes = body.ToArray();
            return JsonNode.Parse(bytes) is JsonObject completion ? (completion, bytes) : (null, null);
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            return (null, null);
        }
    }

    private static async Task<string?> FirstEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                return line;
            }
        }

        return null;
    }

    /// <summary>Only the provider's own error message, bounded: never its URL, headers or our key.</summary>
    private static async Task<string> UpstreamMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var message = (string?)json?["error"]?["message"] ?? (string?)json?["message"];
            if (!string.IsNullOrWhiteSpace(message))
            {
                return "The provider rejected the request: " + (message.Length > 500 ? message[..500] : message);
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return $"The provider rejected the request ({(int)response.StatusCode}).";
    }

    private static partial class Log
    {
        [LoggerMessage(2000, LogLevel.Information, "Offer {Offer} is cooling down: skipped")]
        public static partial void CoolingDown(ILogger logger, string offer);

        [LoggerMessage(2001, LogLevel.Warning, "Offer {Offer} failed before its first byte ({Reason}): failing over")]
        public static partial void Unreachable(ILogger logger, string offer, string reason);

        [LoggerMessage(2002, LogLevel.Warning, "Offer {Offer} answered {Status}: failing over")]
        public static partial void Refused(ILogger logger, string offer, int status);
    }
}
