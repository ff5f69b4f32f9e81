using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Payments.X402;

/// <summary>
/// The x402 rail for a paid endpoint, in the order the endpoint calls it:
/// <list type="number">
/// <item><see cref="AdmitAsync"/>: no payment → challenge; a payment → matched against the requirement
/// rebuilt for this request, claimed once in the ledger, verified by the facilitator.</item>
/// <item>The endpoint does its work up to the first token (buffered, or streaming not yet started).
/// If that fails, <see cref="ReleaseAsync"/> gives the claim back: nothing charged.</item>
/// <item><see cref="SettleAsync"/>: settles once (never repeated; unknown outcomes are reconciled on chain).</item>
/// <item><see cref="X402HttpResults"/> turns each outcome into the HTTP answer or response headers.</item>
/// </list>
/// </summary>
public sealed partial class X402Rail(
    RequirementBuilder builder,
    FeePayerCache feePayers,
    PaymentVerifier verifier,
    FacilitatorClient facilitator,
    PaymentLedger ledger,
    SettlementReconciler reconciler,
    IOptions<X402Options> options,
    ILogger<X402Rail> logger)
{
    /// <summary>The absolute URL of the paid resource: the configured public origin, else the request's own.</summary>
    public Uri ResourceUrl(HttpRequest request)
    {
        var origin = options.Value.PublicBaseUrl?.AbsoluteUri.TrimEnd('/') ?? $"{request.Scheme}://{request.Host.Value}";
        return new Uri($"{origin}{request.PathBase.Value}{request.Path.Value}", UriKind.Absolute);
    }

    /// <summary>Who is paid when a quote names no payee.</summary>
    public string TreasuryAddress => options.Value.TreasuryAddress;

    /// <summary>The challenge for a quote (for discovery and the 402), or null when the facilitator names no fee payer.</summary>
    public async Task<PaymentChallenge?> ChallengeAsync(X402Quote quote, CancellationToken cancellationToken = default) =>
        await feePayers.GetAsync(cancellationToken) is { } feePayer ? builder.Build(quote, feePayer) : null;

    public async Task<X402Admission> AdmitAsync(X402Quote quote, string? paymentSignature, string? xPayment, CancellationToken cancellationToken = default)
    {
        var challenge = await ChallengeAsync(quote, cancellationToken);
        if (challenge is null)
        {
            return new X402Admission(X402AdmissionStatus.FacilitatorUnavailable, Reason: "facilitator_unavailable");
        }

        if (string.IsNullOrEmpty(paymentSignature) && string.IsNullOrEmpty(xPayment))
        {
            return new X402Admission(X402AdmissionStatus.PaymentRequired, Challenge: challenge);
        }

        var header = HeaderCodec.DecodePayment(paymentSignature, xPayment);
        if (!header.IsSuccess)
        {
            return Reject(challenge, X402Rejection.MalformedPayment, $"{X402Reasons.For(X402Rejection.MalformedPayment)}: {header.Reason}");
        }

        var check = PaymentVerifier.Check(header.Value!, challenge);
        if (check.Payment is not { } payment)
        {
            return Reject(challenge, check.Rejection!.Value, check.Reason!);
        }

        var claim = await ledger.TryClaimAsync(payment, cancellationToken);
        if (claim.Record is not { } record)
        {
            var rejection = claim.Existing?.State is PaymentState.Verifying or PaymentState.Settling
                ? X402Rejection.PaymentInProgress
                : X402Rejection.PaymentAlreadyUsed;
            Log.Duplicate(logger, payment.Id, claim.Existing?.State);
            return Reject(challenge, rejection, X402Reasons.For(rejection));
        }

        FacilitatorResult<VerifyResponse> verified;
        try
        {
            verified = await verifier.VerifyAsync(payment, cancellationToken);
        }
        catch
        {
            // Cancelled (or a bug) before anything was settled: give the claim back so the payment stays usable.
            await ledger.ReleaseAsync(record, CancellationToken.None);
            throw;
        }

        if (verified.Value is not { } answer)
        {
            await ledger.ReleaseAsync(record, CancellationToken.None);
            return new X402Admission(X402AdmissionStatus.FacilitatorUnavailable, Challenge: challenge, Reason: "facilitator_unavailable");
        }

        if (!answer.IsValid)
        {
            await ledger.ReleaseAsync(record, CancellationToken.None);
            var reason = answer.InvalidReason ?? X402Reasons.For(X402Rejection.FacilitatorRejected);
            Log.Invalid(logger, payment.Id, reason);
            // A new fee payer (after fee_payer_not_managed_by_facilitator) is in the fresh challenge.
            var fresh = await ChallengeAsync(quote, cancellationToken) ?? challenge;
            return Reject(fresh, X402Rejection.FacilitatorRejected, reason);
        }

        return new X402Admission(X402AdmissionStatus.Admitted, new X402Payment(payment, record, answer.Payer), challenge);
    }

    /// <summary>Gives an admitted payment back when the work failed before anything was served: nothing is charged.</summary>
    public Task<bool> ReleaseAsync(X402Payment payment, CancellationToken cancellationToken = default) =>
        ledger.ReleaseAsync(payment.Record, cancellationToken);

    /// <summary>Settles an admitted payment exactly once. Never retried: an unknown outcome becomes <c>settlement_pending</c>.</summary>
    public async Task<X402Settlement> SettleAsync(X402Payment payment, CancellationToken cancellationToken = default)
    {
        var network = payment.Checked.Challenge.Requirement.Network;
        var settling = await ledger.TransitionAsync(payment.Record, PaymentState.Settling, payer: payment.Payer, cancellationToken: cancellationToken);
        if (settling is null)
        {
            // Someone else moved it (a second settle of the same admission): do not settle twice.
            return Failure(payment, network, "payment_already_used");
        }

        var result = await facilitator.SettleAsync(payment.Checked.Request, CancellationToken.None);
        if (result.Value is { Success: true } settled)
        {
            await ledger.TransitionAsync(settling, PaymentState.Settled, settled.Transaction, settled.Payer, cancellationToken: CancellationToken.None);
            Log.Settled(logger, payment.Id, settled.Transaction, payment.Amount);
            return new X402Settlement(X402SettlementStatus.Settled, settled with { Network = Nonempty(settled.Network, network) }, payment.Version);
        }

        if (result.Value is { } refused && !IsPending(refused))
        {
            await ledger.TransitionAsync(settling, PaymentState.Failed, reason: refused.ErrorReason ?? "settle_failed", cancellationToken: CancellationToken.None);
            Log.SettleFailed(logger, payment.Id, refused.ErrorReason);
            return new X402Settlement(X402SettlementStatus.Failed, refused with { Transaction = refused.Transaction ?? "", Network = Nonempty(refused.Network, network) }, payment.Version);
        }

        if (result.Value is null && !result.IsAmbiguous && result.Error is FacilitatorError.RateLimited or FacilitatorError.Unauthorized)
        {
            // Provably not executed: back to verifying and released, so the client may pay with it again.
            var back = await ledger.TransitionAsync(settling, PaymentState.Verifying, cancellationToken: CancellationToken.None);
            if (back is not null)
            {
                await ledger.ReleaseAsync(back, CancellationToken.None);
            }

            return new X402Settlement(X402SettlementStatus.Unavailable, new SettleResponse(false, "", network, payment.Payer, "facilitator_unavailable"), payment.Version);
        }

        // Unknown outcome: settlement_pending (with the signature when the facilitator gave one), then one status check.
        var signature = result.Value?.Transaction is { Length: > 0 } s ? s : null;
        var bound = await reconciler.ExpiryBoundAsync(CancellationToken.None);
        var pending = await ledger.TransitionAsync(settling, PaymentState.SettlementPending, signature, reason: result.Value?.ErrorReason ?? result.Error.ToString(),
            expiresAtBlockHeight: bound, cancellationToken: CancellationToken.None);
        Log.Pending(logger, payment.Id, signature, result.Error);
        if (pending is not null && signature is not null
            && await reconciler.ReconcileAsync(pending, CancellationToken.None) is { State: PaymentState.Settled })
        {
            return new X402Settlement(X402SettlementStatus.Settled, new SettleResponse(true, signature, network, payment.Payer, Amount: payment.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)), payment.Version);
        }

        return new X402Settlement(X402SettlementStatus.Pending, new SettleResponse(false, signature ?? "", network, payment.Payer, "settlement_pending"), payment.Version);
    }

    private static bool IsPending(SettleResponse response) =>
        response.ErrorReason?.Contains("settlement_pending", StringComparison.Ordinal) == true;

    private static string Nonempty(string? value, string fallback) => string.IsNullOrEmpty(value) ? fallback : value;

    private static X402Settlement Failure(X402Payment payment, string network, string reason) =>
        new(X402SettlementStatus.Failed, new SettleResponse(false, "", network, payment.Payer, reason), payment.Version);

    private X402Admission Reject(PaymentChallenge challenge, X402Rejection rejection, string reason)
    {
        Log.Rejected(logger, rejection, reason);
        return new X402Admission(X402AdmissionStatus.Rejected, Challenge: challenge.WithError(reason), Rejection: rejection, Reason: reason);
    }

    private static partial class Log
    {
        [LoggerMessage(2040, LogLevel.Information, "x402 payment rejected: {Rejection} ({Reason})")]
        public static partial void Rejected(ILogger logger, X402Rejection rejection, string reason);

        [LoggerMessage(2041, LogLevel.Warning, "x402 payment {PaymentId} used again (held as {State})")]
        public static partial void Duplicate(ILogger logger, string paymentId, PaymentState? state);

        [LoggerMessage(2042, LogLevel.Information, "x402 payment {PaymentId} failed facilitator verification: {Reason}")]
        public static partial void Invalid(ILogger logger, string paymentId, string reason);

        [LoggerMessage(2043, LogLevel.Information, "x402 payment {PaymentId} settled in {Signature} ({Amount} atomic units)")]
        public static partial void Settled(ILogger logger, string paymentId, string signature, long amount);

        [LoggerMessage(2044, LogLevel.Warning, "x402 payment {PaymentId} settlement failed: {Reason}")]
        public static partial void SettleFailed(ILogger logger, string paymentId, string? reason);

        [LoggerMessage(2045, LogLevel.Warning, "x402 payment {PaymentId} settlement pending (signature {Signature}, {Error}); reconciled by status")]
        public static partial void Pending(ILogger logger, string paymentId, string? signature, FacilitatorError error);
    }
}
