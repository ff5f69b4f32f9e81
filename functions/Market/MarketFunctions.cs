using System.Security.Cryptography;
using System.Text.Json;
using Bourse.Json;
using Bourse.Market;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Market;

/// <summary>
/// <c>GET /api/market</c> (every listing, then previews of catalog models not tokenized yet) and
/// <c>GET /api/market/{modelId}</c> (30 zero-filled UTC days, buybacks, burns, supply by day; 404 for a model no one
/// knows). Public and cacheable: <c>Cache-Control: public, max-age=15, stale-while-revalidate=60</c>, an ETag of the
/// body (a matching <c>If-None-Match</c> gets 304), CORS open for the market pages.
/// </summary>
public sealed class MarketFunctions(MarketReader market)
{
    public const string CacheControl = "public, max-age=15, stale-while-revalidate=60";

    [Function("Market")]
    public async Task<IResult> OverviewAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/market")] HttpRequest request)
    {
        var overview = await market.OverviewAsync(request.HttpContext.RequestAborted);
        return Cached(request, JsonSerializer.SerializeToUtf8Bytes(overview, BourseJsonContext.Default.MarketOverview));
    }

    [Function("MarketModel")]
    public async Task<IResult> DetailAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/market/{*modelId}")] HttpRequest request, string modelId)
    {
        var id = Uri.UnescapeDataString(modelId);
        request.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        return await market.DetailAsync(id, request.HttpContext.RequestAborted) is { } detail
            ? Cached(request, JsonSerializer.SerializeToUtf8Bytes(detail, BourseJsonContext.Default.MarketDetail))
            : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown model", detail: $"No listing or catalog model is named '{id}'.");
    }

    private static IResult Cached(HttpRequest request, byte[] body)
    {
        var headers = request.HttpContext.Response.Headers;
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body))[..32] + "\"";
        headers.AccessControlAllowOrigin = "*";
        headers.CacheControl = CacheControl;
        headers.ETag = etag;
        return request.Headers.IfNoneMatch.Contains(etag)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(body, "application/json");
    }
}
