using System.Net;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Bourse.Creators;
using Bourse.Functions.Http;
using Bourse.Listings;
using Bourse.Solana;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Bourse.Functions.Creators;

/// <summary><c>POST /api/creators/apply</c>: public, validated, rate-limited per client address. Problem details.</summary>
public sealed class CreatorFunctions(CreatorApplications applications, ModelCatalog catalog, IOptions<CreatorOptions> options)
{
    [Function("CreatorApply")]
    public async Task<IResult> Apply(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/creators/apply")] HttpRequest request, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest("Send a JSON object: {\"modelId\", \"link\", \"description\", \"contact\", \"track\": \"A\"|\"B\", \"mint\" (Track B), \"modelFeeBps\"}.");
        }

        var errors = new List<string>();
        var modelId = JsonBody.String(body, "modelId");
        if (catalog.Find(modelId) is null)
        {
            errors.Add("'modelId' must be a model of the catalog (GET /api/models).");
        }

        var link = JsonBody.String(body, "link");
        if (link is not { Length: <= 512 } || !Uri.TryCreate(link, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            errors.Add("'link' must be an http(s) URL of at most 512 characters (the model's page or repository).");
        }

        var description = JsonBody.String(body, "description")?.Trim();
        if (description is not { Length: >= 10 and <= 2000 })
        {
            errors.Add("'description' must be 10 to 2000 characters.");
        }

        var contact = JsonBody.String(body, "contact")?.Trim();
        if (contact is not { Length: >= 3 and <= 200 } || contact.Any(char.IsControl))
        {
            errors.Add("'contact' must be 3 to 200 characters (an email, a handle or a wallet).");
        }

        var trackText = JsonBody.String(body, "track");
        ListingTrack? track = trackText switch { "A" or "a" => ListingTrack.A, "B" or "b" => ListingTrack.B, _ => null };
        if (track is null)
        {
            errors.Add("'track' must be \"A\" (Bourse-native Token-2022 with a transfer fee) or \"B\" (an external SPL token, with its mint).");
        }

        var mint = JsonBody.String(body, "mint");
        if (body["mint"] is not null && (mint is null || !PublicKey.TryParse(mint, out _)))
        {
            errors.Add("'mint' must be a base58 token mint address.");
        }
        else if (track == ListingTrack.B && mint is null)
        {
            errors.Add("A Track B application names its token's 'mint'.");
        }

        var fee = JsonBody.Integer(body, "modelFeeBps");
        if (fee is null || fee < o.MinModelFeeBps || fee > o.MaxModelFeeBps)
        {
            errors.Add($"'modelFeeBps' must be an integer from {o.MinModelFeeBps} to {o.MaxModelFeeBps} (basis points of each call).");
        }

        if (errors.Count > 0)
        {
            return Results.Problem(detail: string.Join(' ', errors), statusCode: StatusCodes.Status400BadRequest, title: "The application is not valid.",
                extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }

        if (await applications.TryAdmitAsync(ClientAddress(request), cancellationToken) is { } wait)
        {
            return Problems.TooManyRequests($"At most {o.ApplicationsPerHour} applications per hour from one address.", wait);
        }

        var application = await applications.SubmitAsync(modelId!, link!, description!, contact!, track!.Value, mint, (int)fee!.Value, cancellationToken);
        return Results.Content(new JsonObject
        {
            ["id"] = application.Id, ["status"] = "pending", ["modelId"] = application.ModelId, ["track"] = application.Track.ToString(),
            ["mint"] = application.Mint, ["modelFeeBps"] = application.ModelFeeBps, ["submittedAt"] = application.SubmittedAt,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    /// <summary>The caller's address: the last <c>X-Forwarded-For</c> hop (what the platform's front end saw), else the connection's.</summary>
    internal static string ClientAddress(HttpRequest request)
    {
        var forwarded = request.Headers["X-Forwarded-For"].ToString();
        var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (last is not null)
        {
            if (IPAddress.TryParse(last, out var ip))
            {
                return ip.ToString();
            }

            if (IPEndPoint.TryParse(last, out var endpoint))
            {
                return endpoint.Address.ToString(); // "1.2.3.4:5678" as Azure sends it
            }
        }

        return request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }
}
