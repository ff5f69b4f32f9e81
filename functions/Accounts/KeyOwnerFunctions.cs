using System.Globalization;
using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Functions.Http;
using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>
/// What an account's owner may do: create (signed-in wallet only), list and revoke keys, read credits and
/// usage. The bearer is a wallet session or one of the account's API keys. OpenAI error envelope, except
/// key creation (problem details).
/// </summary>
public sealed class KeyOwnerFunctions(ApiKeys keys, CreditAccounts credits, CreditLeases leases, OwnerAuthenticator owners, TimeProvider time)
{
    private const int MaxKeysPerAccount = 100;
    private static readonly IResult Unauthorized = ChatErrorResult.For(ChatError.Unauthorized("A valid API key or wallet session is required."), string.Empty);

    /// <summary><c>POST /api/v1/keys {"name"?, "rpmLimit"?, "spendCapMicroUsdc"?}</c>: a new key for the signed-in wallet's account; the secret is in this answer only.</summary>
    [Function("CreateKey")]
    public async Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/keys")] HttpRequest request, CancellationToken cancellationToken)
    {
        var auth = await owners.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        if (auth.Owner is not { } owner)
        {
            return Problems.NoOwner(auth, "Sign in with your wallet (POST /api/auth/challenge, then /api/auth/session) and send 'Authorization: Bearer bs_sess_…'.");
        }

        if (!owner.IsWallet)
        {
            return Problems.Forbidden("An API key cannot create keys: use a wallet session.");
        }

        var body = request.ContentLength is 0 ? [] : await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null)
        {
            return Problems.BadRequest("Send a JSON object: {\"name\"?, \"rpmLimit\"?, \"spendCapMicroUsdc\"?}.");
        }

        var name = JsonBody.String(body, "name");
        if ((body["name"] is not null && (name is null || name.Length > 64 || name.Any(char.IsControl)))
            || (body["rpmLimit"] is not null && JsonBody.Integer(body, "rpmLimit") is not (> 0 and <= 100_000))
            || (body["spendCapMicroUsdc"] is not null && JsonBody.Integer(body, "spendCapMicroUsdc") is not > 0))
        {
            return Problems.BadRequest("'name' is a string of at most 64 characters, 'rpmLimit' an integer in 1..100000, 'spendCapMicroUsdc' a positive integer.");
        }

        if ((await keys.ListAsync(owner.AccountId, cancellationToken)).Count(k => !k.Revoked) >= MaxKeysPerAccount)
        {
            return Problems.Conflict($"An account holds at most {MaxKeysPerAccount} live keys: revoke one first.");
        }

        var rpm = JsonBody.Integer(body, "rpmLimit");
        var created = await keys.CreateAsync(owner.AccountId, name, rpm is { } r ? (int)r : null, JsonBody.Integer(body, "spendCapMicroUsdc"), cancellationToken);
        return Results.Content(new JsonObject
        {
            ["id"] = created.Info.Id, ["key"] = created.Key, ["name"] = created.Info.Name, ["prefix"] = created.Info.Prefix,
            ["last_four"] = created.Info.LastFour, ["created"] = created.Info.Created, ["account_id"] = owner.AccountId,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    [Function("ListKeys")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/keys")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(request, cancellationToken);
        if (owner is null)
        {
            return refused!;
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
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/v1/keys/{keyId}")] HttpRequest request, string keyId, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(request, cancellationToken);
        if (owner is null)
        {
            return refused!;
        }

        return await keys.RevokeAsync(owner.AccountId, keyId, cancellationToken)
            ? Results.NoContent()
            : ChatErrorResult.For(new ChatError(404, "not_found_error", "key_not_found", "This account has no such key.", "keyId"), string.Empty);
    }

    /// <summary>
    /// <c>GET /api/v1/credits</c>: the balance; <c>pending</c> and <c>open_holds</c> are the calls in
    /// flight (exact holds, and the calls this instance admitted against its lease), <c>leased</c> what
    /// router instances hold beyond that for calls to come.
    /// </summary>
    [Function("Credits")]
    public async Task<IResult> Credits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/credits")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(request, cancellationToken);
        if (owner is null)
        {
            return refused!;
        }

        // This instance's buffered charges first, so a caller sees every call it finished here.
        await leases.FlushAsync(owner.AccountId, cancellationToken);
        var balance = credits.GetBalanceAsync(owner.AccountId, cancellationToken);
        var holds = credits.OpenHoldsAsync(owner.AccountId, cancellationToken);
        var inFlight = leases.InFlight(owner.AccountId);
        return Results.Content(CreditsJson.Balance(await balance, await holds, inFlight).ToJsonString(), "application/json");
    }

    /// <summary><c>GET /api/v1/usage?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: charged usage by key, model and UTC day (the last 30 days by default).</summary>
    [Function("Usage")]
    public async Task<IResult> Usage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/usage")] HttpRequest request, CancellationToken cancellationToken)
    {
        var (owner, refused) = await OwnerAsync(request, cancellationToken);
        if (owner is null)
        {
            return refused!;
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryDay(request.Query["from"], today.AddDays(-29), out var from) || !TryDay(request.Query["to"], today, out var to) || to < from || to.DayNumber - from.DayNumber > 366)
        {
            return ChatErrorResult.For(ChatError.BadRequest("'from' and 'to' are UTC days (yyyy-MM-dd), from ≤ to, at most a year apart.", "from"), string.Empty);
        }

        var used = await credits.UsageAsync(owner.AccountId, from, to, cancellationToken);
        var data = new JsonArray([.. used.Select(u => (JsonNode)new JsonObject
        {
            ["day"] = u.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["key_id"] = u.KeyId, ["model"] = u.Model, ["requests"] = u.Requests,
            ["prompt_tokens"] = u.PromptTokens, ["completion_tokens"] = u.CompletionTokens, ["cost_micro_usdc"] = u.CostMicroUsdc,
        })]);
        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>The owner, or the answer that refuses the request: 401, or 429 past the key's per-minute limit.</summary>
    private async Task<(AccountOwner? Owner, IResult? Refused)> OwnerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var auth = await owners.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        return auth.Outcome switch
        {
            KeyAuthenticationOutcome.Authenticated => (auth.Owner, null),
            KeyAuthenticationOutcome.RateLimited => (null, ChatErrorResult.For(ChatError.RateLimited("This API key's requests-per-minute limit is reached.", auth.RetryAfter), string.Empty)),
            KeyAuthenticationOutcome.Revoked => (null, ChatErrorResult.For(ChatError.Unauthorized("This API key has been revoked."), string.Empty)),
            _ => (null, Unauthorized),
        };
    }
}
