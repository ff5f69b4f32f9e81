using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bourse.Buyback.Venues;

/// <summary>What Jupiter's and Raydium's clients share: one HTTP call read as JSON, HTTP failures mapped to venue errors.</summary>
internal static class VenueHttp
{
    public static async Task<(JsonNode? Body, VenueError? Error)> SendAsync(HttpClient http, HttpRequestMessage request, string venue, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, new VenueError(VenueErrorKind.Unavailable, $"{venue} did not answer ({e.GetType().Name})."));
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            JsonNode? body = null;
            try
            {
                body = text.Length == 0 ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }

            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var after = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } date && response.Headers.Date is { } sent ? date - sent : null); // against the server's own clock
                return (body, new VenueError(VenueErrorKind.RateLimited, $"{venue} is rate limiting (HTTP 429).", after));
            }

            if ((int)response.StatusCode >= 500)
            {
                return (body, new VenueError(VenueErrorKind.Unavailable, $"{venue} answered HTTP {(int)response.StatusCode}."));
            }

            if (body is null)
            {
                return (null, new VenueError(VenueErrorKind.BadResponse, $"{venue} answered HTTP {(int)response.StatusCode} without JSON."));
            }

            return response.IsSuccessStatusCode
                ? (body, null)
                : (body, new VenueError(VenueErrorKind.BadResponse, $"{venue} answered HTTP {(int)response.StatusCode}."));
        }
    }

    /// <summary>A raw amount (JSON string or number) as a long; null when absent or not an integer.</summary>
    public static long? Amount(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => long.TryParse(node.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null,
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out var n) ? n : null,
        _ => null,
    };

    /// <summary>A decimal (JSON string or number) as basis points of <paramref name="unit"/> (1 for a fraction, 100 for a percent), rounded up, its sign dropped.</summary>
    public static int? Bps(JsonNode? node, decimal unit)
    {
        decimal? value = node?.GetValueKind() switch
        {
            JsonValueKind.String => decimal.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null,
            JsonValueKind.Number => node.GetValue<decimal>(),
            _ => null,
        };
        return value is null ? null : (int)Math.Min(10_000m, Math.Ceiling(Math.Abs(value.Value) / unit * 10_000m));
    }
}
