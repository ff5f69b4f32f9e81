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
    private const int MaxResponseBytes = 16 * 1024 * 1024;

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
        await response.WriteAsync($"data: {ChatErrorResult.Envelope(new ChatError(502, "server_error", "upstream_stream_interrupted",
            "The provider stopped mid-answer. What was produced is billed."))}\n\n", aborted);
        await response.Body.FlushAsync(aborted);
        return CompletionEnd.FailedMidStream;
    }

    private async Task<CompletionEnd> RelayJsonAsync(HttpContext httpContext)
    {
        var bytes = await call.Response.Content.ReadAsByteArrayAsync(httpContext.RequestAborted);
        if (bytes.Length > MaxResponseBytes || ParseObject(bytes) is not { } body)
        {
            await ChatErrorResult.For(new ChatError(502, "server_error", "upstream_bad_response", "The provider answered with something that is not a chat completion."), requestId)
                .ExecuteAsync(httpContext);
            return CompletionEnd.FailedMidStream;
        }

        _usage = body["usage"] as JsonObject;
        foreach (var choice in body["choices"]?.AsArray() ?? [])
        {
            Collect(choice?["message"]);
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
            Collect(choice?["delta"]);
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

    private void Collect(JsonNode? message)
    {
        if (message?["content"] is JsonValue content && content.TryGetValue<string>(out var text))
        {
            _produced.Append(text);
        }

        if (message?["tool_calls"] is JsonArray calls)
        {
            foreach (var call in calls)
            {
                _produced.Append((string?)call?["function"]?["name"]).Append((string?)call?["function"]?["arguments"]);
            }
        }
    }

    private CompletionUsage Usage(CompletionEnd end)
    {
        var reported = _usage is not null
            && _usage["prompt_tokens"] is JsonValue p && p.TryGetValue<int>(out var prompt)
            && _usage["completion_tokens"] is JsonValue c && c.TryGetValue<int>(out var completion);
        var promptTokens = reported ? (int)_usage!["prompt_tokens"]! : estimator.CountPrompt(request.Body);
        var completionTokens = reported ? (int)_usage!["completion_tokens"]! : estimator.CountText(_produced.ToString());
        var cost = call.IsFree ? 0 : Pricing.Cost(call.Offer, promptTokens, completionTokens);
        return new CompletionUsage(call.Offer, promptTokens, completionTokens, !reported, cost, end, end == CompletionEnd.Completed ? _answer : null);
    }
}
