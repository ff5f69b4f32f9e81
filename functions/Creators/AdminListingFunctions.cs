using System.Text.Json.Nodes;
using Bourse.Accounts;
using Bourse.Creators;
using Bourse.Functions.Http;
using Bourse.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Creators;

/// <summary>The admin's side of creator applications: list, approve (writes the listing), reject. Bearer <c>Admin:Token</c> or an admin wallet's session; problem details.</summary>
public sealed class AdminListingFunctions(AdminAuthorizer admin, WalletSignIn signIn, CreatorApplications applications, ListingApproval approval)
{
    [Function("AdminListApplications")]
    public async Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/admin/listings/applications")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (!await admin.IsAuthorizedAsync(request.Headers.Authorization, cancellationToken))
        {
            return Problems.Unauthorized("An admin bearer token (Admin:Token, or an admin wallet's session) is required.");
        }

        ApplicationStatus? status = null;
        if (request.Query["status"].ToString() is { Length: > 0 } text)
        {
            if (!Enum.TryParse<ApplicationStatus>(text, ignoreCase: true, out var parsed) || int.TryParse(text, out _))
            {
                return Problems.BadRequest("'status' is one of pending, approving, approved, rejected.");
            }

            status = parsed;
        }

        var list = await applications.ListAsync(status, cancellationToken);
        return Results.Content(new JsonObject { ["data"] = new JsonArray([.. list.Select(a => (JsonNode)Json(a))]) }.ToJsonString(), "application/json");
    }

    [Function("AdminApproveApplication")]
    public async Task<IResult> Approve(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/listings/applications/{applicationId}/approve")] HttpRequest request,
        string applicationId,
        CancellationToken cancellationToken)
    {
        if (await DeciderAsync(request, cancellationToken) is not { } decider)
        {
            return Problems.Unauthorized("An admin bearer token (Admin:Token, or an admin wallet's session) is required.");
        }

        var result = await approval.ApproveAsync(applicationId, decider, cancellationToken);
        return result.Outcome switch
        {
            ApprovalOutcome.Approved or ApprovalOutcome.AlreadyApproved when result.Application!.Status == ApplicationStatus.Approved =>
                Results.Content(Json(result.Application).ToJsonString(), "application/json"),
            ApprovalOutcome.NotFound => Problems.NotFound("No such application."),
            ApprovalOutcome.AlreadyRejected => Problems.Conflict("This application was rejected."),
            ApprovalOutcome.ModelListedElsewhere or ApprovalOutcome.NoMint or ApprovalOutcome.MintNotFound => Problems.Conflict(result.Detail ?? result.Outcome.ToString()),
            _ => Problems.Unavailable(result.Detail ?? "Approval could not finish; approve again."),
        };
    }

    [Function("AdminRejectApplication")]
    public async Task<IResult> Reject(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/admin/listings/applications/{applicationId}/reject")] HttpRequest request,
        string applicationId,
        CancellationToken cancellationToken)
    {
        if (await DeciderAsync(request, cancellationToken) is not { } decider)
        {
            return Problems.Unauthorized("An admin bearer token (Admin:Token, or an admin wallet's session) is required.");
        }

        var body = request.ContentLength is 0 ? [] : await JsonBody.ReadObjectAsync(request, cancellationToken);
        var reason = body is null ? null : JsonBody.String(body, "reason")?.Trim();
        if (body is null || reason is not { Length: >= 1 and <= 500 })
        {
            return Problems.BadRequest("Send {\"reason\": \"…\"} (1 to 500 characters): the creator is told why.");
        }

        var result = await approval.RejectAsync(applicationId, decider, reason, cancellationToken);
        return result.Outcome switch
        {
            ApprovalOutcome.Approved => Results.Content(Json(result.Application!).ToJsonString(), "application/json"),
            ApprovalOutcome.NotFound => Problems.NotFound("No such application."),
            ApprovalOutcome.AlreadyRejected => Results.Content(Json(result.Application!).ToJsonString(), "application/json"),
            _ => Problems.Conflict("This application was approved; delist the model instead."),
        };
    }

    /// <summary>Who decides: "admin-token", or the admin wallet's address; null when not an admin.</summary>
    private async Task<string?> DeciderAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (admin.IsAuthorized(request.Headers.Authorization))
        {
            return "admin-token";
        }

        return await admin.IsAuthorizedAsync(request.Headers.Authorization, cancellationToken)
            && OwnerAuthenticator.Bearer(request.Headers.Authorization) is { } token
            ? await signIn.AuthenticateAsync(token, cancellationToken)
            : null;
    }

    private static JsonObject Json(CreatorApplication a) => new()
    {
        ["id"] = a.Id, ["status"] = a.Status.ToString().ToLowerInvariant(), ["modelId"] = a.ModelId, ["link"] = a.Link, ["description"] = a.Description,
        ["contact"] = a.Contact, ["track"] = a.Track.ToString(), ["mint"] = a.Mint, ["modelFeeBps"] = a.ModelFeeBps, ["submittedAt"] = a.SubmittedAt,
        ["decidedAt"] = a.DecidedAt, ["decidedBy"] = a.DecidedBy, ["reason"] = a.Reason,
        ["listing"] = a.Status == ApplicationStatus.Approved
            ? new JsonObject { ["mint"] = a.ListingMint, ["vaultAuthority"] = a.VaultAuthority, ["vaultUsdcAccount"] = a.VaultUsdcAccount }
            : null,
    };
}
