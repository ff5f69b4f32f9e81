using System.Text.Json.Nodes;
using Bourse.Catalog;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Chat;

/// <summary><c>GET /api/models</c>: OpenAI's list shape plus prices (micro-USDC per 1M tokens), context length, offers and whether the model is tokenized.</summary>
public sealed class ModelsFunction(ModelCatalog catalog)
{
    private static readonly long Created = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();

    [Function("Models")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/models")] HttpRequest request)
    {
        var data = new JsonArray();
        foreach (var model in catalog.Models)
        {
            var routable = catalog.RoutableOffers(model).ToList();
            data.Add(new JsonObject
            {
                ["id"] = model.Id,
                ["object"] = "model",
                ["created"] = Created,
                ["owned_by"] = model.OwnedBy,
                ["context_length"] = model.ContextLength,
                ["tokenized"] = model.Tokenized,
                ["mint"] = model.Mint,
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
            });
        }

        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }
}
