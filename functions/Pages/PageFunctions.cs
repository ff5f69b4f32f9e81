using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Pages;

/// <summary>
/// The site, at the root of the app's own origin (host.json's route prefix is empty; every API route
/// starts with <c>api/</c>): <c>/market</c>, <c>/market/{modelId}</c>, <c>/creators/apply</c>,
/// <c>/docs/x402</c> and their <c>/assets/</c>. The pages read the same JSON the API serves.
/// </summary>
public sealed class PageFunctions(SitePages pages)
{
    /// <summary>
    /// The pages' policy: everything from this origin, nothing from elsewhere. Styles allow inline
    /// values because uPlot sizes its canvas with style attributes.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    [Function("MarketPage")]
    public IResult Market([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "market")] HttpRequest request) =>
        Page(request, pages.Render(SitePage.Market));

    [Function("ModelPage")]
    public IResult Model([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "market/{*modelId}")] HttpRequest request, string modelId) =>
        modelId.Length is 0 or > 200
            ? Results.Redirect("/market")
            : Page(request, pages.Render(SitePage.Model, modelId.TrimEnd('/')));

    [Function("CreatorApplyPage")]
    public IResult Apply([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "creators/apply")] HttpRequest request) =>
        Page(request, pages.Render(SitePage.Apply));

    [Function("X402DocsPage")]
    public IResult X402Docs([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/x402")] HttpRequest request) =>
        Page(request, pages.Render(SitePage.X402));

    /// <summary>A script or stylesheet; with its content hash as <c>?v=</c> it is cached for a year.</summary>
    [Function("PageAsset")]
    public IResult Asset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "assets/{name}")] HttpRequest request, string name)
    {
        if (pages.Asset(name) is not { } asset)
        {
            return Results.NotFound();
        }

        var headers = request.HttpContext.Response.Headers;
        var etag = $"\"{asset.Hash}\"";
        headers.ETag = etag;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = request.Query["v"] == asset.Hash ? "public, max-age=31536000, immutable" : "public, max-age=300";
        return request.Headers.IfNoneMatch == etag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    private static IResult Page(HttpRequest request, string html)
    {
        var headers = request.HttpContext.Response.Headers;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
