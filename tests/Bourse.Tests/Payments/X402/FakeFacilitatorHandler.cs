using System.Net;
using System.Text;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// A facilitator that answers each path with scripted replies: for the faults the real one cannot be
/// made to produce (429 with Retry-After, 5xx, hanging). Counts calls per path.
/// </summary>
internal sealed class FakeFacilitatorHandler(Func<string, int, CancellationToken, Task<HttpResponseMessage>> reply) : HttpMessageHandler
{
    private readonly Dictionary<string, int> _calls = [];

    public List<HttpRequestMessage> Requests { get; } = [];

    public int Calls(string path)
    {
        lock (_calls)
        {
            return _calls.GetValueOrDefault(path);
        }
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Status(HttpStatusCode status, TimeSpan? retryAfter = null)
    {
        var response = new HttpResponseMessage(status);
        if (retryAfter is { } delay)
        {
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(delay);
        }

        return response;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath.Trim('/');
        int n;
        lock (_calls)
        {
            n = _calls[path] = _calls.GetValueOrDefault(path) + 1;
            Requests.Add(request);
        }

        return reply(path, n, cancellationToken);
    }
}
