using System.Security.Cryptography;
using System.Text;
using Bourse.Accounts;
using Bourse.Catalog;
using Bourse.Listings;
using Bourse.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Routing;

/// <summary>
/// Rail 1: <c>POST /api/v1/chat/completions</c> with an API key and prepaid credits. Authenticates,
/// holds the most the call can cost before any upstream call (402 if the account cannot cover it),
/// routes, relays, then posts the actual cost, releases the rest and publishes the usage event.
/// </summary>
public sealed partial class CreditsChatRail(
    ApiKeys keys,
    CreditHolds holds,
    ModelCatalog catalog,
    ListingRegistry listings,
    ChatRouter router,
    TokenEstimator estimator,
    UsageOutbox outbox,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<CreditsChatRail> logger)
{
    public async Task<IResult> CompleteAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var requestId = "req_" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        var auth = await keys.AuthenticateAsync(http.Headers.Authorization, cancellationToken);
        if (auth.Outcome != KeyAuthenticationOutcome.Authenticated)
        {
            return ChatErrorResult.For(AuthenticationError(auth), requestId);
        }

        var principal = auth.Principal!;
        var (request, invalid) = await ChatRequestParser.ReadAsync(http, cancellationToken);
        if (invalid is not null)
        {
            return ChatErrorResult.For(invalid, requestId);
        }

        var model = catalog.Find(request!.Model);
        if (model is null)
        {
            return ChatErrorResult.For(ChatError.UnknownModel(request.Model), requestId);
        }

        var plan = router.Plan(request, model);
        if (plan.Candidates.Count == 0)
        {
            return ChatErrorResult.For(ChatError.NothingRoutable(model.Id), requestId);
        }

        var terms = ChargeTerms.For((await listings.CurrentAsync(cancellationToken)).Paid(model.Id));
        var holdAmount = plan.MaxCostMicroUsdc;
        var holdId = http.Headers[RoutingHeaders.IdempotencyKey].ToString() is { Length: > 0 } idempotencyKey
            ? CreditHolds.IdempotentHoldPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{principal.AccountId}|{idempotencyKey}")))
            : "hold_" + requestId;
        var hold = await holds.PlaceAsync(principal.AccountId, principal.KeyId, holdId, request.RequestHash, holdAmount, cancellationToken, principal.SpendCapMicroUsdc);
        if (hold is { Outcome: HoldOutcome.AlreadyPosted, Answer: { } answer })
        {
            // A retry of a call that completed (its answer lost on the way?): the same answer, not charged again.
            http.HttpContext.Response.Headers[RoutingHeaders.IdempotentReplayed] = "true";
            return Results.Bytes(answer, "application/json");
        }
        if (hold.Outcome != HoldOutcome.Placed)
        {
            return ChatErrorResult.For(hold.Outcome switch
            {
                HoldOutcome.InsufficientCredits => ChatError.InsufficientCredits(holdAmount, hold.AvailableMicroUsdc),
                HoldOutcome.SpendCapReached => new ChatError(429, "rate_limit_error", "key_spend_cap_reached", "This API key has reached its spend cap."),
                HoldOutcome.InProgress => ChatError.Conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still running."),
                HoldOutcome.AlreadyPosted => ChatError.Conflict("idempotency_key_already_used", "A request with this Idempotency-Key completed already (streamed, or too large to keep); it was not charged again."),
                _ => new ChatError(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was used with a different request body."),
            }, requestId);
        }

        RoutedCall? call;
        ChatError? failed;
        try
        {
            (call, failed) = await router.StartAsync(request, model, plan.Candidates, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client left before the first token: nothing was produced, release the hold now.
            await holds.VoidAsync(principal.AccountId, holdId, CancellationToken.None, principal.KeyId);
            throw;
        }

        if (failed is not null)
        {
            await holds.VoidAsync(principal.AccountId, holdId, CancellationToken.None, principal.KeyId);
            return ChatErrorResult.For(failed, requestId);
        }

        return new ChatRelay(call!, request, model, requestId, estimator, options.Value.IdleTimeout, async used =>
        {
            // Billing must happen however the call ended, client gone or not.
            UsageEvent? written = null;
            var posted = await holds.PostAsync(principal.AccountId, holdId, used.CostMicroUsdc, CancellationToken.None, charged => written = new UsageEvent(
                "credits_" + holdId, UsageEvent.CreditsRail, model.Id, used.Offer.QualifiedId, used.PromptTokens, used.CompletionTokens,
                used.Estimated, charged, requestId, time.GetUtcNow(), principal.AccountId, principal.KeyId, holdId, Terms: terms), principal.KeyId, used.Answer, model.Id);
            if (!posted.AlreadyPosted && written is not null) // the event of the attempt that committed
            {
                await outbox.FlushAsync(principal.AccountId, written, CancellationToken.None);
            }

            Log.Billed(logger, requestId, used.Offer.QualifiedId, posted.ChargedMicroUsdc, used.Estimated, used.End);
        });
    }

    private static ChatError AuthenticationError(KeyAuthentication auth) => auth.Outcome switch
    {
        KeyAuthenticationOutcome.RateLimited => ChatError.RateLimited("This API key's requests-per-minute limit is reached.", auth.RetryAfter),
        KeyAuthenticationOutcome.Missing => ChatError.Unauthorized("Send your API key as 'Authorization: Bearer bs_live_…'."),
        KeyAuthenticationOutcome.Revoked => ChatError.Unauthorized("This API key has been revoked."),
        _ => ChatError.Unauthorized("This API key is not valid."),
    };

    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Information, "{RequestId} served by {Offer}: charged {Charged} micro-USDC (estimated usage: {Estimated}, {End})")]
        public static partial void Billed(ILogger logger, string requestId, string offer, long charged, bool estimated, CompletionEnd end);
    }
}
