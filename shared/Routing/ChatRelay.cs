using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Bourse.Routing;

/// <summary>
/// Writes a started upstream call to the client as it arrives (SSE events one by one, flushed), with
/// the public model id, <c>X-Bourse-Model-Id</c> and <c>X-Request-Id</c>; strips the usage the client
/// did not ask for; ends a failed stream with an OpenAI error event; and then reports what was used,
/// however the call ended, to <paramref name="onCompleted"/> (which bills it: in memory, or handing
/// the work off, so the response ends without waiting on storage). Answers and chunks are the
/// provider's bytes with only the model id (and unwanted usage) spliced, never re-serialised.
/// </summary>
public sealed class ChatRelay(
    RoutedCall call,
    ChatRequest request,
    ModelListing model,
    string requestId,
    TokenEstimator estimator,
    TimeSpan idleTimeout,
    Func<CompletionUsage, Task> onCompleted) : IResult
{
    private const int MaxKeptChunks = 100_000;

    private JsonObject? _usage;
    private JsonObject? _body;
    private byte[]? _answer;
    private bool _billed;

    /// <summary>A stream's chunks as received, kept only until the provider reports usage (to estimate it if it never does).</summary>
    private List<string>? _chunks = [];

    private static ReadOnlyMemory<byte> Done { get; } = "data: [DONE]\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.Headers[RoutingHeaders.ModelId] = call.Offer.QualifiedId;
        response.Headers[RoutingHeaders.RequestId] = requestId;
        var end = CompletionEnd.Completed;
        try
        {
            end = request.Stream ? await RelayStreamAsync(httpContext) : await RelayJsonAsync(httpContext);
        }
        catch (Exception e) when (httpContext.RequestAborted.IsCancellationRequested && e is OperationCanceledException or IOException)
        {
            end = CompletionEnd.ClientDisconnected;
        }
        catch (Exception) when (!response.HasStarted)
        {
            // A bug on an odd answer must not become a charged 500: nothing reached the client, so nothing is billed.
            end = CompletionEnd.NotServed;
            await ChatErrorResult.For(new ChatError(502, "server_error", "upstream_bad_response",
                "The provider's answer could not be relayed. Nothing was charged."), requestId).ExecuteAsync(httpContext);
        }
        finally
        {
            call.Dispose();
            if (!_billed)
            {
                await onCompleted(Usage(end));
            }
        }
    }

    /// <summary>
    /// Bills a completed answer just before its last bytes go out (billing is in memory or handed off, so the client
    /// does not wait on it): a client that reads its balance right after the answer sees the charge.
    /// </summary>
    private Task BillCompletedAsync()
    {
        _billed = true;
        return onCompleted(Usage(CompletionEnd.Completed));
    }

    private async Task<CompletionEnd> RelayStreamAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var aborted = httpContext.RequestAborted;

        // One token and one watchdog for the whole stream (not a timer per chunk): a silence longer than
        // the idle timeout ends it.
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var lastRead = Stopwatch.GetTimestamp();
        var period = idleTimeout / 4;
        using var watchdog = new Timer(
            _ =>
            {
                if (Stopwatch.GetElapsedTime(Interlocked.Read(ref lastRead)) > idleTimeout)
                {
                    idle.Cancel();
                }
            },
            null,
            period,
            period);
        var line = call.FirstEvent;
        while (line is not null)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var payload = line.AsMemory(5).Trim();
                if (payload.Span.SequenceEqual("[DONE]"))
                {
                    await BillCompletedAsync();
                    await response.Body.WriteAsync(Done, aborted);
                    await response.Body.FlushAsync(aborted);
                    return CompletionEnd.Completed;
                }

                if (Rewrite(payload.Span) is { } chunk)
                {
                    await response.Body.WriteAsync(chunk, aborted);
                    await response.Body.FlushAsync(aborted);
                }
            }

            try
            {
                line = await call.Reader!.ReadLineAsync(idle.Token);
                Interlocked.Exchange(ref lastRead, Stopwatch.GetTimestamp());
            }
            catch (Exception e) when (!aborted.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
            {
                line = null;
            }
        }

        // The provider ended without [DONE]: the answer is cut short.
        // One line: an SSE event's data spread over several lines is not JSON to the SDKs.
        await response.WriteAsync($"data: {ChatErrorResult.Envelope(new ChatError(502, "server_error", "upstream_stream_interrupted",
            "The provider stopped mid-answer. What was produced is billed.")).ToJsonString()}\n\n", aborted);
        await response.Body.FlushAsync(aborted);
        return CompletionEnd.FailedMidStream;
    }

    private async Task<CompletionEnd> RelayJsonAsync(HttpContext httpContext)
    {
        // Read and parsed by the router before anything was charged (an answer that is not a chat completion failed over).
        var body = call.Completion ?? throw new InvalidOperationException("A non-streamed call carries its parsed answer.");
        _body = body;
        _usage = body["usage"] as JsonObject;

        // The provider's bytes as they came, with only the public model id spliced in.
        var answer = _answer = (call.CompletionBytes is { } bytes ? JsonSplice.ReplaceString(bytes, "model"u8, model.Id) : null)
            ?? Encoding.UTF8.GetBytes(WithModel(body).ToJsonString());

        // Billed as it goes out: what the provider produced is charged even if the client leaves while it is written.
        await BillCompletedAsync();
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = answer.Length;
        await httpContext.Response.Body.WriteAsync(answer, httpContext.RequestAborted);
        await httpContext.Response.Body.FlushAsync(httpContext.RequestAborted);
        return CompletionEnd.Completed;
    }

    /// <summary>An answer whose model is not a plain string (an odd provider): the tree, with the public id set.</summary>
    private JsonObject WithModel(JsonObject body)
    {
        var copy = (JsonObject)body.DeepClone();
        copy["model"] = model.Id;
        return copy;
    }

    private static JsonObject? ParseObject(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// One upstream chunk as the client gets it (<c>data: …\n\n</c>), rewritten in place: the public model
    /// id spliced in, and the usage the client did not ask for cut out (null: the whole chunk is dropped).
    /// </summary>
    private byte[]? Rewrite(ReadOnlySpan<char> payload)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(payload)];
        Encoding.UTF8.GetBytes(payload, bytes);
        if (JsonSplice.Find(bytes, "usage"u8) is { Kind: System.Text.Json.JsonTokenType.StartObject } usage)
        {
            _usage = ParseObject(bytes.AsSpan(usage.ValueStart, usage.ValueEnd - usage.ValueStart));
            _chunks = null; // reported: nothing to estimate
        }
        else if (_chunks is { Count: < MaxKeptChunks })
        {
            _chunks.Add(payload.ToString());
        }

        if (!request.ClientWantsUsage)
        {
            if (JsonSplice.Find(bytes, "choices"u8) is { Kind: System.Text.Json.JsonTokenType.StartArray } choices
                && bytes.AsSpan(choices.ValueStart + 1, choices.ValueEnd - choices.ValueStart - 2).Trim(" \t\r\n"u8).IsEmpty)
            {
                return null; // the usage-only chunk
            }

            bytes = JsonSplice.Remove(bytes, "usage"u8);
        }

        bytes = JsonSplice.ReplaceString(bytes, "model"u8, model.Id) ?? bytes;
        var chunk = new byte[bytes.Length + 8];
        "data: "u8.CopyTo(chunk);
        bytes.CopyTo(chunk.AsSpan(6));
        chunk[^2] = (byte)'\n';
        chunk[^1] = (byte)'\n';
        return chunk;
    }

    /// <summary>The text the model produced (for an estimate when the provider reported no usage): only then parsed.</summary>
    private string Produced()
    {
        var produced = new StringBuilder();
        foreach (var choice in _body?["choices"] as JsonArray ?? [])
        {
            Collect(produced, (choice as JsonObject)?["message"]);
        }

        foreach (var chunk in _chunks ?? [])
        {
            foreach (var choice in ParseObject(Encoding.UTF8.GetBytes(chunk))?["choices"] as JsonArray ?? [])
            {
                Collect(produced, (choice as JsonObject)?["delta"]);
            }
        }

        return produced.ToString();
    }

    /// <summary>The text a message (or delta) produced, for an estimate; parts of an unexpected type are skipped, never thrown on.</summary>
    private static void Collect(StringBuilder produced, JsonNode? node)
    {
        if (node is not JsonObject message)
        {
            return;
        }

        produced.Append(Text(message["content"]));
        foreach (var call in message["tool_calls"] as JsonArray ?? [])
        {
            if ((call as JsonObject)?["function"] is JsonObject function)
            {
                produced.Append(Text(function["name"])).Append(Text(function["arguments"]));
            }
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private CompletionUsage Usage(CompletionEnd end)
    {
        if (end == CompletionEnd.NotServed)
        {
            return new CompletionUsage(call.Offer, 0, 0, Estimated: false, 0, end);
        }

        var (prompt, completion) = (Count(_usage?["prompt_tokens"]), Count(_usage?["completion_tokens"]));
        var reported = prompt is not null && completion is not null;
        var promptTokens = prompt is { } p && reported ? p : estimator.CountPrompt(request.Body);
        // An estimate never goes past the output cap the hold was quoted for (per choice).
        var cap = (int)Math.Min(int.MaxValue, (long)Pricing.OutputCap(request, model) * request.Choices);
        var completionTokens = completion is { } c && reported ? c : Math.Min(estimator.CountText(Produced()), cap);
        var cost = call.IsFree ? 0 : Pricing.Cost(call.Offer, promptTokens, completionTokens);
        return new CompletionUsage(call.Offer, promptTokens, completionTokens, !reported, cost, end, end == CompletionEnd.Completed ? _answer : null);
    }

    /// <summary>A token count the provider reported: a non-negative integer, else not a count.</summary>
    private static int? Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var count) && count >= 0 ? count : null;
}
