using System.Text.Json.Nodes;
using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>
/// An upstream call that has started answering: its offer, the response (headers received) and, for a
/// stream, the reader positioned after the first event; otherwise the whole answer, read and parsed (a
/// provider whose answer is not a chat completion was failed over). After this point there is no failover.
/// </summary>
public sealed class RoutedCall(
    ProviderOffer offer, HttpResponseMessage response, StreamReader? reader, string? firstEvent, bool isFree, JsonObject? completion = null, byte[]? completionBytes = null)
    : IDisposable
{
    public ProviderOffer Offer { get; } = offer;

    public HttpResponseMessage Response { get; } = response;

    public StreamReader? Reader { get; } = reader;

    public string? FirstEvent { get; } = firstEvent;

    /// <summary>For a non-streamed call: the provider's answer, a JSON object.</summary>
    public JsonObject? Completion { get; } = completion;

    /// <summary>For a non-streamed call: the answer's bytes as the provider sent them (relayed with only the model spliced in).</summary>
    public byte[]? CompletionBytes { get; } = completionBytes;

    /// <summary>Served from the offer's free tier: nothing to charge.</summary>
    public bool IsFree { get; } = isFree;

    public void Dispose()
    {
        Reader?.Dispose();
        Response.Dispose();
    }
}
