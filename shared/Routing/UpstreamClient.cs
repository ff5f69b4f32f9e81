using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>Calls a provider's OpenAI-compatible endpoint. Responses are returned at their headers, unbuffered, for streaming.</summary>
public sealed class UpstreamClient(HttpClient http, ModelCatalog catalog)
{
    public async Task<HttpResponseMessage> SendAsync(ProviderOffer offer, JsonObject body, CancellationToken cancellationToken)
    {
        var endpoint = catalog.Endpoint(offer) ?? throw new InvalidOperationException($"Offer {offer.QualifiedId} is not routable.");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.BaseUrl!.AbsoluteUri.TrimEnd('/') + "/chat/completions"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(body["stream"] is JsonValue s && s.TryGetValue<bool>(out var stream) && stream ? "text/event-stream" : "application/json"));
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}
