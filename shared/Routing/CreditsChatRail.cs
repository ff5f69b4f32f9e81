using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Bourse.Accounts;
using Bourse.Catalog;
using Bourse.Telemetry;
using Bourse.Listings;
using Bourse.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Routing;

/// <summary>
/// Rail 1: <c>POST /api/v1/chat/completions</c> with an API key and prepaid credits. Authenticates (from
/// memory), reserves the most the call can cost before any upstream call (402 if the account cannot
/// cover it), routes, relays, then bills the actual cost off the response path. Reservations come from
/// this instance's lease on the account (<see cref="CreditLeases"/>: no storage round trip in the steady
/// state); an exact per-call hold (<see cref="CreditHolds"/>) is used instead for an Idempotency-Key
/// (its answer is kept across instances), a key with a spend cap, or a balance too small to lease.
/// </summary>
public sealed partial class CreditsChatRail(
    ApiKeys keys,
    CreditHolds holds,
    CreditLeases leases,
    PendingBilling pending,
    ModelCatalog catalog,
    ListingRegistry listings,
    ChatRouter router,
    TokenEstimator estimator,
    UsageOutbox outbox,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<CreditsChatRail> logger)
{
    /// <summary>How long a hold's placement may take, whatever the client does meanwhile.</summary>
    private static readonly TimeSpan LedgerWriteTimeout = TimeSpan.FromSeconds(30);

    public async Task<IResult> CompleteAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
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

        var plan = router.Plan(request, model, upperBound: true);
        if (plan.Candidates.Count == 0)
        {
            return ChatErrorResult.For(ChatError.NothingRoutable(model.Id), requestId);
        }

        using var activity = BourseTelemetry.Source.StartActivity("bourse.credits.admit_and_route");
        activity?.SetTag("model", model.Id);
        activity?.SetTag("rail", UsageEvent.CreditsRail);
        var terms = ChargeTerms.For((await listings.CurrentAsync(cancellationToken)).Paid(model.Id));
        var holdAmount = plan.MaxCostMicroUsdc;
        var idempotencyKey = http.Headers[RoutingHeaders.IdempotencyKey].ToString();
        var ticket = idempotencyKey.Length == 0 && principal.SpendCapMicroUsdc is null
            ? await leases.TryAdmitAsync(principal.AccountId, principal.KeyId, requestId, holdAmount, cancellationToken)
            : null;
        string? holdId = null;
        if (ticket is null)
        {
            holdId = idempotencyKey.Length > 0
                ? CreditHolds.IdempotentHoldPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{principal.AccountId}|{idempotencyKey}")))
                : "hold_" + requestId;
            // The ledger write is not the client's to cancel: a hold committed as the client hung up must still be
            // seen and released. A bounded token of its own, then the client's state is looked at.
            HoldResult hold;
            using (var ledgerWrite = new CancellationTokenSource(LedgerWriteTimeout))
            {
                hold = await holds.PlaceAsync(principal.AccountId, principal.KeyId, holdId, request.RequestHash, holdAmount, ledgerWrite.Token, principal.SpendCapMicroUsdc);
            }

            if (hold is { Outcome: HoldOutcome.AlreadyPosted, Answer: { } answer })
            {
                // A retry of a call that completed (its answer lost on the way?): the same answer, not charged again.
                var headers = http.HttpContext.Response.Headers;
                headers[RoutingHeaders.IdempotentReplayed] = "true";
                headers[RoutingHeaders.RequestId] = requestId;
                if (hold.ServedBy is { } servedBy)
                {
                    headers[RoutingHeaders.ModelId] = servedBy;
                }

                return Results.Bytes(answer, "application/json");
            }

            if (hold.Outcome != HoldOutcome.Placed)
            {
                BourseTelemetry.Admissions.Add(1, new KeyValuePair<string, object?>("path", "refused"));
                return ChatErrorResult.For(hold.Outcome switch
                {
                    HoldOutcome.InsufficientCredits => ChatError.InsufficientCredits(holdAmount, hold.AvailableMicroUsdc),
                    HoldOutcome.SpendCapReached => new ChatError(429, "rate_limit_error", "key_spend_cap_reached", "This API key has reached its spend cap."),
                    HoldOutcome.InProgress => ChatError.Conflict("idempotency_key_in_use", "A request with this Idempotency-Key is still running."),
                    HoldOutcome.AlreadyPosted => ChatError.Conflict("idempotency_key_already_used", "A request with this Idempotency-Key completed already (streamed, or too large to keep); it was not charged again."),
                    _ => new ChatError(422, "invalid_request_error", "idempotency_key_reused", "This Idempotency-Key was used with a different request body."),
                }, requestId);
            }
        }

        BourseTelemetry.Admissions.Add(1, new KeyValuePair<string, object?>("path", ticket is null ? "exact" : "lease"));
        activity?.SetTag("admission", ticket is null ? "exact" : "lease");
        RoutedCall? call;
        ChatError? failed;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            (call, failed) = await router.StartAsync(request, model, plan.Candidates, cancellationToken);
        }
        catch
        {
            // The client left (or anything else broke) before the first token: nothing was served, release the reservation now.
            await ReleaseAsync(principal, ticket, holdId);
            throw;
        }

        if (failed is not null)
        {
            await ReleaseAsync(principal, ticket, holdId);
            BourseTelemetry.Calls.Add(1, Tags(model.Id, null, "failed"));
            return ChatErrorResult.For(failed, requestId);
        }

        BourseTelemetry.TimeToFirstByte.Record(time.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("model", model.Id), new KeyValuePair<string, object?>("rail", UsageEvent.CreditsRail));
        return new ChatRelay(call!, request, model, requestId, estimator, options.Value.IdleTimeout, used =>
        {
            // Billing must happen however the call ended, client gone or not, and the response must not wait for it.
            BourseTelemetry.Calls.Add(1, Tags(model.Id, used.Offer.QualifiedId, used.End.ToString()));
            if (used.End == CompletionEnd.NotServed)
            {
                return ReleaseAsync(principal, ticket, holdId); // nothing served, nothing billed (the error went out already)
            }

            var usage = new UsageEvent(
                ticket is null ? UsageEventIds.Credits(holdId!) : UsageEventIds.Leased(requestId), UsageEvent.CreditsRail, model.Id, used.Offer.QualifiedId,
                used.PromptTokens, used.CompletionTokens, used.Estimated, used.CostMicroUsdc, requestId, time.GetUtcNow(), principal.AccountId, principal.KeyId, holdId, Terms: terms);
            if (ticket is not null)
            {
                var charged = leases.Complete(ticket, used.CostMicroUsdc, usage);
                Log.Billed(logger, requestId, used.Offer.QualifiedId, charged, used.Estimated, used.End);
                return Task.CompletedTask;
            }

            async Task PostAsync()
            {
                try
                {
                    UsageEvent? written = null;
                    var posted = await holds.PostAsync(principal.AccountId, holdId!, used.CostMicroUsdc, CancellationToken.None, charged => written = usage with { CostMicroUsdc = charged }, principal.KeyId, used.Answer, used.Offer.QualifiedId, model.Id);
                    if (!posted.AlreadyPosted && written is { } committed) // the event of the attempt that committed
                    {
                        pending.Run(async () =>
                        {
                            try
                            {
                                await outbox.FlushAsync(principal.AccountId, committed, CancellationToken.None);
                            }
                            catch (Exception e)
                            {
                                Log.SendFailed(logger, requestId, e);
                            }
                        });
                    }

                    Log.Billed(logger, requestId, used.Offer.QualifiedId, posted.ChargedMicroUsdc, used.Estimated, used.End);
                }
                catch (Exception e)
                {
                    Log.BillingFailed(logger, requestId, e);
                }
            }

            if (idempotencyKey.Length > 0)
            {
                // Kept before the client has the answer: a retry of this key then gets the answer back, not "still running".
                return PostAsync();
            }

            pending.Run(PostAsync);
            return Task.CompletedTask;
        });
    }

    /// <summary>Gives back what a call that served nothing reserved: in memory for a lease, a void for an exact hold (so its Idempotency-Key may run again).</summary>
    private async Task ReleaseAsync(ApiKeyPrincipal principal, LeaseTicket? ticket, string? holdId)
    {
        if (ticket is not null)
        {
            leases.Cancel(ticket);
        }
        else
        {
            await holds.VoidAsync(principal.AccountId, holdId!, CancellationToken.None, principal.KeyId);
        }
    }

    private static TagList Tags(string model, string? offer, string outcome) => new()
    {
        { "model", model }, { "offer", offer }, { "rail", UsageEvent.CreditsRail }, { "outcome", outcome },
    };

    private static ChatError AuthenticationError(KeyAuthentication auth) => auth.Outcome switch
    {
        KeyAuthenticationOutcome.RateLimited => ChatError.RateLimited("This API key's requests-per-minute limit is reached.", auth.RetryAfter),
        KeyAuthenticationOutcome.Missing => ChatError.Unauthorized("Send your API key as 'Authorization: Bearer bs_live_…'."),
        KeyAuthenticationOutcome.Revoked => ChatError.Unauthorized("This API key has been revoked."),
        _ => ChatError.Unauthorized("This API key is not valid."),
    };

    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Debug, "{RequestId} served by {Offer}: charged {Charged} micro-USDC (estimated usage: {Estimated}, {End})")]
        public static partial void Billed(ILogger logger, string requestId, string offer, long charged, bool estimated, CompletionEnd end);

        [LoggerMessage(2101, LogLevel.Error, "{RequestId}: billing its exact hold failed; the hold expires and is voided by the janitor")]
        public static partial void BillingFailed(ILogger logger, string requestId, Exception exception);

        [LoggerMessage(2102, LogLevel.Warning, "{RequestId}: sending its usage event failed; it stays in the account's outbox and the janitor sends it")]
        public static partial void SendFailed(ILogger logger, string requestId, Exception exception);
    }
}
