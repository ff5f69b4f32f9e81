using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Bourse.Tests.Solana.Rpc;

/// <summary>
/// An RPC node that answers per endpoint and method with scripted replies: for the faults a real
/// local chain cannot be made to produce (429 with Retry-After, 5xx, dead endpoints).
/// </summary>
internal sealed class FakeRpcHandler : HttpMessageHandler
{
    private readonly Func<string, string, int, HttpResponseMessage> _reply;

    public FakeRpcHandler(Func<string, string, int, HttpResponseMessage> reply) => _reply = reply;

    public List<(string Host, string Method)> Calls { get; } = [];

    public static HttpResponseMessage Result(JsonNode? result) => Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["result"] = result });

    public static HttpResponseMessage Error(int code, string message, JsonNode? data = null) =>
        Json(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["error"] = new JsonObject { ["code"] = code, ["message"] = message, ["data"] = data } });

    public static HttpResponseMessage Status(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var method = (string)body["method"]!;
        var host = request.RequestUri!.Host;
        lock (Calls)
        {
            Calls.Add((host, method));
            return _reply(host, method, Calls.Count(c => c.Method == method));
        }
    }

    private static HttpResponseMessage Json(JsonNode node) =>
        new(HttpStatusCode.OK) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };
}
