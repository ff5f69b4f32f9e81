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
/// however the call ended, to <paramref name="onCompleted"/> (which bills it).
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
    private readonly StringBuilder _produced = new();
    private JsonObject? _usage;
    private byte[]? _answer;

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
            await onCompleted(Usage(end));
        }
    }

    private async Task<CompletionEnd> RelayStreamAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var aborted = httpContext.RequestAborted;
        var line = call.FirstEvent;
        while (line is not null)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var payload = line[5..].Trim();
                if (payload == "[DONE]")
                {
                    await response.WriteAsync("data: [DONE]\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                    return CompletionEnd.Completed;
                }

                if (Rewrite(payload) is { } chunk)
                {
                    await response.WriteAsync($"data: {chunk}\n\n", aborted);
                    await response.Body.FlushAsync(aborted);
                }
            }

            using var idle = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            idle.CancelAfter(idleTimeout);
            try
            {
                line = await call.Reader!.ReadLineAsync(idle.Token);
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
        var body = call.Completion ?? throw new InvalidOperationException("A non-streamed call carries its parsed answer.");
        _usage = body["usage"] as JsonObject;
        foreach (var choice in body["choices"] as JsonArray ?? [])
        {
            Collect((choice as JsonObject)?["message"]);
        }

        body["model"] = model.Id;
        // With its length announced and flushed, the answer is complete for the client before billing runs.
        var answer = _answer = Encoding.UTF8.GetBytes(body.ToJsonString());
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = answer.Length;
        await httpContext.Response.Body.WriteAsync(answer, httpContext.RequestAborted);
        await httpContext.Response.Body.FlushAsync(httpContext.RequestAborted);
        return CompletionEnd.Completed;
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

    /// <summary>One upstream chunk as the client gets it, or null when it is the usage chunk the client did not ask for.</summary>
    private string? Rewrite(string payload)
    {
        if (ParseObject(Encoding.UTF8.GetBytes(payload)) is not { } chunk)
        {
            return null;
        }

        if (chunk["usage"] is JsonObject usage)
        {
            _usage = usage;
        }

        var choices = chunk["choices"] as JsonArray;
        foreach (var choice in choices ?? [])
        {
            Collect((choice as JsonObject)?["delta"]);
        }

        if (!request.ClientWantsUsage)
        {
            if (choices is { Count: 0 })
            {
                return null;
            }

            chunk.Remove("usage");
        }

        chunk["model"] = model.Id;
        return chunk.ToJsonString();
    }

    /// <summary>The text a message (or delta) produced, for an estimate; parts of an unexpected type are skipped, never thrown on.</summary>
    private void Collect(JsonNode? node)
    {
        if (node is not JsonObject message)
        {
            return;
        }

        _produced.Append(Text(message["content"]));
        foreach (var call in message["tool_calls"] as JsonArray ?? [])
        {
            if ((call as JsonObject)?["function"] is JsonObject function)
            {
                _produced.Append(Text(function["name"])).Append(Text(function["arguments"]));
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
        var completionTokens = completion is { } c && reported ? c : Math.Min(estimator.CountText(_produced.ToString()), cap);
        var cost = call.IsFree ? 0 : Pricing.Cost(call.Offer, promptTokens, completionTokens);
        return new CompletionUsage(call.Offer, promptTokens, completionTokens, !reported, cost, end, end == CompletionEnd.Completed ? _answer : null);
    }

    /// <summary>A token count the provider reported: a non-negative integer, else not a count.</summary>
    private static int? Count(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var count) && count >= 0 ? count : null;
}
