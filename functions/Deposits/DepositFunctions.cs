using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Deposits;
using Bourse.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Bourse.Functions.Deposits;

/// <summary>Top-ups paid with a Solana Pay transfer request: create one, read its status. Wallet session or API key; problem details.</summary>
public sealed class DepositFunctions(SolanaPayDeposits deposits, OwnerAuthenticator owners, IOptions<DepositOptions> options, TimeProvider time)
{
    /// <summary><c>POST /api/v1/credits/deposits {"amountMicroUsdc"}</c> → the transfer request to pay.</summary>
    [Function("CreateDeposit")]
    public async Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/v1/credits/deposits")] HttpRequest request, CancellationToken cancellationToken)
    {
        var auth = await owners.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        if (auth.Owner is not { } owner)
        {
            return Problems.NoOwner(auth, "Send a wallet session token or an API key as 'Authorization: Bearer …'.");
        }

        var o = options.Value;
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null || JsonBody.Integer(body, "amountMicroUsdc") is not { } amount || amount < o.MinimumAmount || amount > o.MaximumAmount)
        {
            return Problems.BadRequest($"Send {{\"amountMicroUsdc\": <integer from {o.MinimumAmount} to {o.MaximumAmount}>}} (micro-USDC: 1000000 = 1 USDC).");
        }

        var deposit = await deposits.CreateAsync(owner.AccountId, amount, cancellationToken);
        return Results.Content(Json(deposit).ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    /// <summary><c>GET /api/v1/credits/deposits/{id}</c> → pending, credited, partial or expired, with what was credited and by which transactions.</summary>
    [Function("GetDeposit")]
    public async Task<IResult> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/v1/credits/deposits/{depositId}")] HttpRequest request, string depositId, CancellationToken cancellationToken)
    {
        var auth = await owners.AuthenticateAsync(request.Headers.Authorization, cancellationToken);
        if (auth.Owner is not { } owner)
        {
            return Problems.NoOwner(auth, "Send a wallet session token or an API key as 'Authorization: Bearer …'.");
        }

        return await deposits.GetAsync(owner.AccountId, depositId, cancellationToken) is { } deposit
            ? Results.Content(Json(deposit).ToJsonString(), "application/json")
            : Problems.NotFound("This account has no such deposit.");
    }

    private JsonObject Json(Deposit deposit)
    {
        var status = deposit.StatusAt(time.GetUtcNow());
        return new JsonObject
        {
            ["id"] = deposit.Id,
            ["status"] = status.ToString().ToLowerInvariant(),
            ["url"] = deposit.Url,
            ["recipient"] = deposit.Recipient,
            ["splToken"] = deposit.SplToken,
            ["amount"] = SolanaPayUrl.Amount(deposit.AmountMicroUsdc, 6),
            ["amountMicroUsdc"] = deposit.AmountMicroUsdc,
            ["reference"] = deposit.Reference,
            ["createdAt"] = deposit.CreatedAt,
            ["expiresAt"] = deposit.ExpiresAt,
            ["creditedMicroUsdc"] = deposit.CreditedMicroUsdc,
            ["signature"] = deposit.Payments.Count > 0 ? deposit.Payments[^1].Signature : null,
            ["payments"] = new JsonArray([.. deposit.Payments.Select(p => (JsonNode)new JsonObject
            {
                ["signature"] = p.Signature, ["amountMicroUsdc"] = p.AmountMicroUsdc, ["slot"] = p.Slot, ["creditedAt"] = p.CreditedAt,
            })]),
            ["note"] = status switch
            {
                DepositStatus.Partial => $"Received {SolanaPayUrl.Amount(deposit.CreditedMicroUsdc, 6)} of {SolanaPayUrl.Amount(deposit.AmountMicroUsdc, 6)} USDC; what arrived is credited.",
                DepositStatus.Expired => "Nothing arrived before the request expired; a late payment with this reference is still credited.",
                DepositStatus.Pending => "Waiting for the transfer.",
                _ => null,
            },
        };
    }
}
