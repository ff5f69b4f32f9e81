using System.Net.Http.Headers;
using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>Calls a provider's OpenAI-compatible endpoint. Responses are returned at their headers, unbuffered, for streaming.</summary>
public sealed class UpstreamClient(HttpClient http, ModelCatalog catalog)
{
    /// <summary>Each provider's chat-completions address, made once (a base URL is configuration: it does not change while running).</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Uri, Uri> _completions = new();

    public async Task<HttpResponseMessage> SendAsync(ProviderOffer offer, byte[] body, bool stream, CancellationToken cancellationToken)
    {
        var endpoint = catalog.Endpoint(offer) ?? throw new InvalidOperationException($"Offer {offer.QualifiedId} is not routable.");
        var address = _completions.GetOrAdd(endpoint.BaseUrl!, b => new Uri(b.AbsoluteUri.TrimEnd('/') + "/chat/completions"));
        using var request = new HttpRequestMessage(HttpMethod.Post, address)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", stream ? "text/event-stream" : "application/json");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
