using System.Security.Cryptography;
using Bourse.Catalog;
using Bourse.Listings;
using Bourse.Payments.X402;
using Bourse.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Routing;

/// <summary>
/// Rail 2: <c>POST /api/x402/v1/chat/completions</c>, paid per call in USDC, no account. Without a
/// payment it answers 402 with a quote for this very request (a default quote when the body cannot be
/// priced). With one: verify → route until the first token (failover as on rail 1; upstream failure
/// releases the payment, nothing is charged) → record the usage event → settle → headers and stream →
/// the usage event with real token counts. A model with a paid listing is paid into its vault (payTo: the
/// vault authority); the event records those terms as they were when the quote was made.
/// </summary>
public sealed partial class X402ChatRail(
    X402Rail rail,
    ModelCatalog catalog,
    ListingRegistry listings,
    ChatRouter router,
    TokenEstimator estimator,
    PaidUsageOutbox usage,
    IOptions<RoutingOptions> options,
    TimeProvider time,
    ILogger<X402ChatRail> logger)
{
    public async Task<IResult> CompleteAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        var requestId = "req_" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        http.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
        http.HttpContext.Response.Headers.AccessControlExposeHeaders = X402Headers.ExposedResponseHeaders;
        string? paymentSignature = http.Headers[X402Headers.PaymentSignature];
        string? xPayment = http.Headers[X402Headers.XPayment];
        var paid = !string.IsNullOrEmpty(paymentSignature) || !string.IsNullOrEmpty(xPayment);

        var (request, invalid) = await ChatRequestParser.ReadAsync(http, cancellationToken);
        var model = catalog.Find(request?.Model);
        if (request is null || model is null)
        {
            // Unpaid, any body gets terms, as the x402 reference answers before its handler runs (and the
            // pay.sh probe sends {}): a default quote when it cannot be priced. A paid one is refused, unsettled.
            return paid
                ? ChatErrorResult.For(invalid ?? ChatError.UnknownModel(request?.Model), requestId)
                : X402HttpResults.For(await rail.AdmitAsync(new X402Quote(rail.ResourceUrl(http), request?.Model, null), null, null, cancellationToken));
        }

        var plan = router.Plan(request, model);
        if (plan.Candidates.Count == 0)
        {
            return ChatErrorResult.For(ChatError.NothingRoutable(model.Id), requestId);
        }

        var listing = (await listings.CurrentAsync(cancellationToken)).Paid(model.Id);
        var terms = ChargeTerms.For(listing, payTo: listing?.VaultAuthority ?? rail.TreasuryAddress);
        var admission = await rail.AdmitAsync(new X402Quote(rail.ResourceUrl(http), model.Id, plan.MaxCostMicroUsdc, terms.PayTo), paymentSignature, xPayment, cancellationToken);
        if (!admission.IsAdmitted)
        {
            return X402HttpResults.For(admission);
        }

        var payment = admission.Payment!;
        RoutedCall? call;
        ChatError? failed;
        try
        {
            (call, failed) = await router.StartAsync(request, model, plan.Candidates, cancellationToken);
        }
        catch
        {
            // The client left (or anything else broke) before the first token: the payment stays unsettled and usable.
            await rail.ReleaseAsync(payment, CancellationToken.None);
            throw;
        }

        if (failed is not null)
        {
            await rail.ReleaseAsync(payment, CancellationToken.None);
            return ChatErrorResult.For(failed, requestId);
        }

        // From here on a crash must not lose the call: record its event before the money moves.
        await usage.RecordAsync(payment.Id, UsageOf(payment, model, terms, call!.Offer, requestId, promptTokens: 0, completionTokens: 0, estimated: true), CancellationToken.None);
        var settlement = await rail.SettleAsync(payment, CancellationToken.None);
        if (!settlement.IsSettled)
        {
            call!.Dispose();
            return X402HttpResults.For(settlement);
        }

        X402HttpResults.ApplySettled(http.HttpContext.Response, settlement);
        return new ChatRelay(call!, request, model, requestId, estimator, options.Value.IdleTimeout, async used =>
        {
            var served = UsageOf(payment, model, terms, used.Offer, requestId, used.PromptTokens, used.CompletionTokens, used.Estimated) with
            {
                PaymentSignature = settlement.Response.Transaction,
            };
            await usage.SendAsync(payment.Id, served, CancellationToken.None);
            Log.Served(logger, requestId, used.Offer.QualifiedId, payment.Amount, used.End);
        });
    }

    private UsageEvent UsageOf(X402Payment payment, ModelListing model, ChargeTerms terms, ProviderOffer offer, string requestId, int promptTokens, int completionTokens, bool estimated) => new(
        "x402_" + payment.Id, UsageEvent.X402Rail, model.Id, offer.QualifiedId, promptTokens, completionTokens, estimated, payment.Amount, requestId,
        time.GetUtcNow(), Payer: payment.Payer, AmountPaidMicroUsdc: payment.Amount, Terms: terms);

    private static partial class Log
    {
        [LoggerMessage(2200, LogLevel.Information, "{RequestId} paid {Amount} micro-USDC over x402, served by {Offer} ({End})")]
        public static partial void Served(ILogger logger, string requestId, string offer, long amount, CompletionEnd end);
    }
}
