using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Accounts;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>The operator's account routes: deposits and new keys. Bearer <c>Admin:Token</c>; errors as problem details.</summary>
public sealed class AdminAccountsFunctions(AdminAuthorizer admin, ApiKeys keys, CreditAccounts credits)
{
    [Function("AdminCreateKey")]
    public async Task<IResult> CreateKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/accounts/{accountId}/keys")] HttpRequest request,
        string accountId,
        CancellationToken cancellationToken)
    {
        if (!admin.IsAuthorized(request.Headers.Authorization))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "An admin bearer token is required.");
        }

        var body = await ReadAsync(request, cancellationToken);
        var created = await keys.CreateAsync(accountId, (string?)body?["name"], Int(body, "rpmLimit"), Long(body, "spendCapMicroUsdc"), cancellationToken);
        return Results.Content(new JsonObject
        {
            ["id"] = created.Info.Id, ["key"] = created.Key, ["name"] = created.Info.Name, ["prefix"] = created.Info.Prefix,
            ["last_four"] = created.Info.LastFour, ["created"] = created.Info.Created, ["account_id"] = accountId,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    [Function("AdminDeposit")]
    public async Task<IResult> Deposit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "admin/accounts/{accountId}/deposits")] HttpRequest request,
        string accountId,
        CancellationToken cancellationToken)
    {
        if (!admin.IsAuthorized(request.Headers.Authorization))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "An admin bearer token is required.");
        }

        var body = await ReadAsync(request, cancellationToken);
        if ((string?)body?["depositId"] is not { Length: > 0 } depositId || body["amountMicroUsdc"] is not JsonValue v || !v.TryGetValue<long>(out var amount) || amount <= 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Send {\"depositId\": \"…\", \"amountMicroUsdc\": <positive integer>}.");
        }

        var balance = await credits.DepositAsync(accountId, depositId, amount, cancellationToken);
        return Results.Content(CreditsJson.Balance(balance).ToJsonString(), "application/json");
    }

    private static int? Int(JsonNode? body, string name) =>
        body?[name] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? (int)Math.Min(n, int.MaxValue) : null;

    private static long? Long(JsonNode? body, string name) =>
        body?[name] is JsonValue v && v.TryGetValue<long>(out var n) && n > 0 ? n : null;

    private static async Task<JsonNode?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return request.ContentLength is 0 ? null : await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
