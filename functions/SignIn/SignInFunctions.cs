using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Functions.Http;
using Bourse.SignIn;
using Bourse.Solana;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.SignIn;

/// <summary>Sign-In-With-Solana: a challenge to sign, a session for the signature, sign-out. Problem details.</summary>
public sealed class SignInFunctions(WalletSignIn signIn)
{
    [Function("SignInChallenge")]
    public async Task<IResult> Challenge(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/challenge")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null || JsonBody.String(body, "address") is not { } address || !PublicKey.TryParse(address, out _))
        {
            return Problems.BadRequest("Send {\"address\": \"<your wallet's base58 address>\"}.");
        }

        var challenge = await signIn.ChallengeAsync(address, cancellationToken);
        return Results.Content(new JsonObject
        {
            ["address"] = challenge.Address, ["message"] = challenge.Message, ["nonce"] = challenge.Nonce,
            ["issuedAt"] = challenge.IssuedAt, ["expiresAt"] = challenge.ExpiresAt,
        }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created);
    }

    [Function("SignInSession")]
    public async Task<IResult> Session(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/auth/session")] HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await JsonBody.ReadObjectAsync(request, cancellationToken);
        if (body is null || JsonBody.String(body, "address") is not { } address || JsonBody.String(body, "nonce") is not { } nonce
            || JsonBody.String(body, "signature") is not { } signature)
        {
            return Problems.BadRequest("Send {\"address\", \"nonce\", \"signature\"}: the base58 ed25519 signature of the challenge message's UTF-8 bytes.");
        }

        var result = await signIn.SignInAsync(address, nonce, signature, cancellationToken);
        return result.Failure switch
        {
            SignInFailure.None => Results.Content(new JsonObject
            {
                ["token"] = result.Session!.Token, ["tokenType"] = "Bearer", ["wallet"] = result.Session.Wallet, ["expiresAt"] = result.Session.ExpiresAt,
            }.ToJsonString(), "application/json", statusCode: StatusCodes.Status201Created),
            SignInFailure.Malformed => Problems.BadRequest("'address' must be a base58 address, 'nonce' the challenge's nonce and 'signature' 64 bytes in base58."),
            SignInFailure.Expired => Problems.Unauthorized("The challenge expired: ask for a new one."),
            SignInFailure.BadSignature => Problems.Unauthorized("The signature does not verify for this address and challenge."),
            SignInFailure.WrongAddress => Problems.Unauthorized("This challenge was issued to another address."),
            _ => Problems.Unauthorized("Unknown or already used nonce: ask for a new challenge."),
        };
    }

    [Function("SignOut")]
    public async Task<IResult> SignOut(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/auth/session")] HttpRequest request, CancellationToken cancellationToken) =>
        OwnerAuthenticator.Bearer(request.Headers.Authorization) is { } token && await signIn.SignOutAsync(token, cancellationToken)
            ? Results.NoContent()
            : Problems.Unauthorized("Send the session token as 'Authorization: Bearer bs_sess_…'.");
}
