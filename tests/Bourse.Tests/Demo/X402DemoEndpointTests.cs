using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Demo;

/// <summary><c>POST /api/x402/demo</c> on the running stack: bad input is a problem-details 400, refused before anything is paid.</summary>
public sealed class X402DemoEndpointTests
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("{\"model\":\"no-such-model\"}", "not a model of the catalog")]
    [InlineData("{\"model\":", "must be JSON")]
    public async Task Demo_BadInput_IsAProblemDetails400(string body, string detail)
    {
        using var response = await Http.PostAsync($"{LocalStack.Instance.Api}/x402/demo", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Contains(detail, (string?)problem!["detail"], StringComparison.Ordinal);
    }
}
