using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Bourse.Listings;
using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Chat;

/// <summary>
/// <c>GET /api/models</c> and <c>GET /api/v1/models</c> (what the OpenAI SDKs' <c>models.list()</c> calls with
/// <c>base_url=…/api/v1</c>), and <c>GET /api/v1/models/{id}</c> (<c>models.retrieve</c>): OpenAI's model shape plus
/// prices (micro-USDC per 1M tokens), context length, offers, and from the listing registry whether the model is
/// tokenized, its mint and its revenue vault.
/// </summary>
public sealed class ModelsFunction(ModelCatalog catalog, ListingRegistry listings)
{
    private static readonly long Created = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Function("Models")]
    public Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "models")] HttpRequest request) =>
        ListAsync(request.HttpContext.RequestAborted);

    [Function("ModelsV1")]
    public Task<IResult> RunV1Async([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models")] HttpRequest request) =>
        ListAsync(request.HttpContext.RequestAborted);

    [Function("ModelV1")]
    public async Task<IResult> RetrieveAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{*id}")] HttpRequest request, string id)
    {
        // Model ids hold '/': SDKs send it as is or escaped (%2F), which routing leaves escaped.
        var modelId = Uri.UnescapeDataString(id);
        if (catalog.Find(modelId) is not { } model)
        {
            return ChatErrorResult.For(ChatError.UnknownModel(modelId), "req_" + RandomNumberGenerator.GetHexString(24, lowercase: true));
        }

        var snapshot = await listings.CurrentAsync(request.HttpContext.RequestAborted);
        return Results.Content(Describe(model, snapshot).ToJsonString(), "application/json");
    }

    private async Task<IResult> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await listings.CurrentAsync(cancellationToken);
        var data = new JsonArray([.. catalog.Models.Select(m => (JsonNode)Describe(m, snapshot))]);
        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }

    private JsonObject Describe(ModelListing model, ListingSnapshot snapshot)
    {
        var routable = catalog.RoutableOffers(model).ToList();
        var listing = snapshot.Find(model.Id) is { Status: not ListingStatus.Delisted } l ? l : null;
        return new JsonObject
        {
            ["id"] = model.Id,
            ["object"] = "model",
            ["created"] = Created,
            ["owned_by"] = model.OwnedBy,
            ["context_length"] = model.ContextLength,
            ["tokenized"] = listing is not null,
            ["mint"] = listing?.Mint,
            ["vault"] = listing?.VaultUsdcAccount,
            ["listing"] = listing is null ? null : new JsonObject
            {
                ["status"] = listing.Status.ToString().ToLowerInvariant(),
                ["track"] = listing.Track.ToString(),
                ["token_program"] = listing.TokenProgram,
                ["model_fee_bps"] = listing.ModelFeeBps,
                ["vault_authority"] = listing.VaultAuthority,
            },
            ["pricing"] = routable.Count == 0 ? null : new JsonObject
            {
                ["currency"] = "micro-USDC per 1M tokens",
                ["input"] = routable.Min(o => o.InputPricePerMillion),
                ["output"] = routable.Min(o => o.OutputPricePerMillion),
            },
            ["offers"] = new JsonArray([.. routable.Select(o => (JsonNode)new JsonObject
            {
                ["id"] = o.QualifiedId,
                ["input"] = o.InputPricePerMillion,
                ["output"] = o.OutputPricePerMillion,
                ["free_requests_per_day"] = o.FreeRequestsPerDay,
            })]),
        };
    }
}
