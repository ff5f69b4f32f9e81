using System.Net;
using System.Text.Json;
using Bourse.Payments.X402;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

/// <summary>The discovery route on the running stack's functions app.</summary>
public sealed class X402OpenApiFunctionTests
{
    [Fact]
    public async Task Get_OnTheRunningStack_ServesOpenApi31WithThePaidPathUnderTheRequestOrigin()
    {
        using var http = new HttpClient();

        using var response = await http.GetAsync($"{LocalStack.Instance.Api}/x402/openapi.json");
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("3.1.0", doc.RootElement.GetProperty("openapi").GetString());
        Assert.Equal(LocalStack.Instance.Api, doc.RootElement.GetProperty("servers")[0].GetProperty("url").GetString());
        Assert.True(doc.RootElement.GetProperty("paths").TryGetProperty(X402OpenApiDocument.PaidPath, out _));
    }
}
