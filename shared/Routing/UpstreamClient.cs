using System.Net.Http.Headers;
using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>Calls a provider's OpenAI-compatible endpoint. Responses are returned at their headers, unbuffered, for streaming.</summary>
public sealed class UpstreamClient(HttpClient http, ModelCatalog catalog)
{

    public async Task<HttpResponseMessage> SendAsync(ProviderOffer offer, byte[] body, bool stream, CancellationToken cancellationToken)
    {
        var endpoint = catalog.Endpoint(offer) ?? throw new InvalidOperationException($"Offer {offer.QualifiedId} is not routable.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.BaseUrl!.AbsoluteUri.TrimEnd('/') + "/chat/completions"))
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
        request.Headers.TryAddWithoutValidation("Accept", stream ? "text/event-stream" : "application/json");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
