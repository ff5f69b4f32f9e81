using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Json;
using Bourse.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>The operator's account routes: deposits and new keys. Bearer <c>Admin:Token</c> or an admin wallet's session; errors as problem details.</summary>
public sealed class AdminAccountsFunctions(AdminAuthorizer admin, ApiKeys keys, CreditAccounts credits)
{
    private const int MaxBodyBytes = 256 * 1024;
    private const int MaxKeyNameLength = 256;

    private static readonly string IdRule = $"1 to {TableKey.MaxIdLength} characters, none of / \\ # ? or control characters";

    [Function("AdminCreateKey")]
    public async Task<IResult> CreateKey(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/accounts/{accountId}/keys")] HttpRequest request,
        string accountId,
        CancellationToken cancellationToken)
    {
        if (await RefusedAsync(request, accountId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (body, invalid) = await ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (!TryString(body, "name", out var name) || name?.Length > MaxKeyNameLength)
        {
            return BadRequest($"'name' is optional: a string of at most {MaxKeyNameLength} characters.");
        }

        if (!TryPositive(body, "rpmLimit", int.MaxValue, out var rpm) || !TryPositive(body, "spendCapMicroUsdc", long.MaxValue, out var spendCap))
        {
            return BadRequest("'rpmLimit' and 'spendCapMicroUsdc' are optional positive integers.");
        }

        var created = await keys.CreateAsync(accountId, name, (int?)rpm, spendCap, cancellationToken);
        return Results.Content(new JsonObject
        {
            ["id"] = created.Info.Id, ["key"] = created.Key, ["name"] = created.Info.Name, ["prefix"] = created.Info.Prefix,
            ["last_four"] = created.Info.LastFour, ["created"] = created.Info.Created, ["account_id"] = accountId,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    [Function("AdminDeposit")]
    public async Task<IResult> Deposit(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/accounts/{accountId}/deposits")] HttpRequest request,
        string accountId,
        CancellationToken cancellationToken)
    {
        if (await RefusedAsync(request, accountId, cancellationToken) is { } refused)
        {
            return refused;
        }

        var (body, invalid) = await ReadAsync(request, cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }

        if (!TryString(body, "depositId", out var depositId) || !TableKey.IsValidId(depositId)
            || !TryPositive(body, "amountMicroUsdc", long.MaxValue, out var amount) || amount is null)
        {
            return BadRequest($"Send {{\"depositId\": \"…\" ({IdRule}), \"amountMicroUsdc\": <positive integer>}}.");
        }

        var deposit = await credits.DepositAsync(accountId, depositId!, amount.Value, cancellationToken);
        return deposit.Outcome switch
        {
            DepositOutcome.Conflict => Results.Problem(statusCode: StatusCodes.Status409Conflict,
                title: $"Deposit '{depositId}' was already made with another amount; a deposit id is used once."),
            DepositOutcome.Overflow => BadRequest("This deposit would take the account's balance past the largest amount it can hold."),
            _ => Results.Content(CreditsJson.Balance(deposit.Balance).ToJsonString(), "application/json"),
        };
    }

    private async Task<IResult?> RefusedAsync(HttpRequest request, string accountId, CancellationToken cancellationToken) =>
        !await admin.IsAuthorizedAsync(request.Headers.Authorization, cancellationToken)
            ? Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "An admin bearer token (Admin:Token, or an admin wallet's session) is required.")
        : !TableKey.IsValidId(accountId) ? BadRequest($"An account id is {IdRule}.")
        : null;

    private static IResult BadRequest(string title) => Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title);

    /// <summary>A string field, or absent; false when it is there with another type.</summary>
    private static bool TryString(JsonObject? body, string name, out string? value)
    {
        value = null;
        return body?[name] switch
        {
            null => true,
            JsonValue v when v.TryGetValue<string>(out var s) => (value = s) is not null,
            _ => false,
        };
    }

    /// <summary>A positive integer field up to <paramref name="max"/>, or absent; false when it is there and is not one.</summary>
    private static bool TryPositive(JsonObject? body, string name, long max, out long? value)
    {
        value = null;
        return body?[name] switch
        {
            null => true,
            JsonValue v when v.TryGetValue<long>(out var n) && n > 0 && n <= max => (value = n) is not null,
            _ => false,
        };
    }

    /// <summary>The body as a JSON object (none is fine), or the 400 that says why it is not one.</summary>
    private static async Task<(JsonObject? Body, IResult? Invalid)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16_384];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, BadRequest($"The request body is larger than {MaxBodyBytes} bytes."));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return (null, null);
        }

        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (StrictJson.Problem(bytes) is { } problem)
        {
            return (null, BadRequest(problem));
        }

        return JsonNode.Parse(bytes) is JsonObject body ? (body, null) : (null, BadRequest("The request body must be a JSON object."));
    }
}
