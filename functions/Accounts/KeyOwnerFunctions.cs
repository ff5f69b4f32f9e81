using System.Globalization;
using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>What a key's owner may do with their account: list and revoke keys, read their credits. OpenAI error envelope.</summary>
public sealed class KeyOwnerFunctions(ApiKeys keys, CreditAccounts credits, CreditLeases leases, TimeProvider time)
{
    [Function("ListKeys")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/keys")] HttpRequest request, CancellationToken cancellationToken)
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
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "v1/keys/{keyId}")] HttpRequest request, string keyId, CancellationToken cancellationToken)
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
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/credits")] HttpRequest request, CancellationToken cancellationToken)
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

    /// <summary><c>GET /api/v1/usage?from=yyyy-MM-dd&amp;to=yyyy-MM-dd</c>: charged usage by key and UTC day (the last 30 days by default).</summary>
    [Function("Usage")]
    public async Task<IResult> Usage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/usage")] HttpRequest request, CancellationToken cancellationToken)
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
            ["day"] = u.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ["key_id"] = u.KeyId, ["requests"] = u.Requests,
            ["prompt_tokens"] = u.PromptTokens, ["completion_tokens"] = u.CompletionTokens, ["cost_micro_usdc"] = u.CostMicroUsdc,
        })]);
        return Results.Content(new JsonObject { ["object"] = "list", ["data"] = data }.ToJsonString(), "application/json");
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    /// <summary>The key's owner, or the answer that refuses the request: 401, or 429 past the key's per-minute limit.</summary>
    private async Task<(ApiKeyPrincipal? Owner, IResult? Refused)> OwnerAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var auth = await keys.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        return auth.Outcome switch
        {
            KeyAuthenticationOutcome.Authenticated => (auth.Principal, null),
            KeyAuthenticationOutcome.RateLimited => (null, ChatErrorResult.For(ChatError.RateLimited("This API key's requests-per-minute limit is reached.", auth.RetryAfter), string.Empty)),
            KeyAuthenticationOutcome.Revoked => (null, ChatErrorResult.For(ChatError.Unauthorized("This API key has been revoked."), string.Empty)),
            _ => (null, ChatErrorResult.For(ChatError.Unauthorized("A valid API key is required."), string.Empty)),
        };
    }
}
