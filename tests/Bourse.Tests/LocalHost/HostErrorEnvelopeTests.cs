using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.LocalHost;

/// <summary>Answers the web server gives on its own (wrong method, headers too large, a body it cannot read) carry the route's error format too.</summary>
public sealed class HostErrorEnvelopeTests
{
    private static readonly HttpClient Http = new();

    [Theory]
    [InlineData("v1/chat/completions", true)]
    [InlineData("x402/v1/chat/completions", true)]
    [InlineData("admin/accounts/a/keys", false)]
    public async Task WrongMethod_405InTheRoutesFormat(string route, bool openAi)
    {
        using var response = await Http.GetAsync($"{LocalStack.Instance.Api}/{route}");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        AssertFormat(await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, openAi, 405);
    }

    [Fact]
    public async Task HeadersTooLarge_431InTheOpenAIEnvelope()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions") { Content = new StringContent("{}") };
        request.Headers.Add("X-Padding", new string('p', 40_000));

        using var response = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        AssertFormat(await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, openAi: true, 431);
    }

    [Fact]
    public async Task BodyWithBrokenChunking_400InTheEnvelopeNot500()
    {
        var api = new Uri(LocalStack.Instance.Api);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(api.Host, api.Port);
        await using var stream = tcp.GetStream();
        var head = $"POST {api.AbsolutePath}/x402/v1/chat/completions HTTP/1.1\r\nHost: {api.Authority}\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"mod\r\nzz\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.StartsWith("HTTP/1.1 400", text, StringComparison.Ordinal);
        Assert.Contains("\"error\":{", text, StringComparison.Ordinal);
    }

    private static void AssertFormat(string body, string? mediaType, bool openAi, int status)
    {
        var json = JsonDocument.Parse(body).RootElement;
        if (openAi)
        {
            Assert.Equal("application/json", mediaType);
            Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetProperty("message").GetString()));
            Assert.False(string.IsNullOrEmpty(json.GetProperty("error").GetProperty("type").GetString()));
        }
        else
        {
            Assert.Equal("application/problem+json", mediaType);
            Assert.Equal(status, json.GetProperty("status").GetInt32());
        }
    }
}
