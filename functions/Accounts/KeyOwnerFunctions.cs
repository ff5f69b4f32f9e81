using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>What a key's owner may do with their account: list and revoke keys, read their credits. OpenAI error envelope.</summary>
public sealed class KeyOwnerFunctions(ApiKeys keys, CreditHolds credits)
{
    private static readonly IResult Unauthorized = ChatErrorResult.For(ChatError.Unauthorized("A valid API key is required."), string.Empty);

    [Function("ListKeys")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(request, cancellationToken) is not { } owner)
        {
            return Unauthorized;
        }

        var list = await keys.ListAsync(owner.AccountId, cancellationToken);
        var data = new JsonArray([.. list.Select(k => (JsonNode)new JsonObject
        {
            ["id"] = k.Id, ["name"] = k.Name, ["prefix"] = k.Prefix, ["last_four"] = k.LastFour,
            ["created"] = k.Created, ["last_used"] = k.LastUsed, ["revoked"] = k.Revoked,
        })]);
        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }

    [Function("RevokeKey")]
    public async Task<IResult> Revoke(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/keys/{keyId}")] HttpRequest request, string keyId, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(request, cancellationToken) is not { } owner)
        {
            return Unauthorized;
        }

        return await keys.RevokeAsync(owner.AccountId, keyId, cancellationToken)
            ? Results.NoContent()
            : ChatErrorResult.For(new ChatError(404, "not_found_error", "key_not_found", "This account has no such key.", "keyId"), string.Empty);
    }

    [Function("Credits")]
    public async Task<IResult> Credits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/credits")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await OwnerAsync(request, cancellationToken) is not { } owner)
        {
            return Unauthorized;
        }

        var balance = await credits.GetBalanceAsync(owner.AccountId, cancellationToken);
        return Results.Content(CreditsJson.Balance(balance).ToJsonString(), "application/json");
    }

    private async Task<ApiKeyPrincipal?> OwnerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var auth = await keys.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        return auth.Outcome == KeyAuthenticationOutcome.Authenticated ? auth.Principal : null;
    }
}
