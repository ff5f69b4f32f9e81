using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bourse.Payments.X402;

/// <summary>
/// The one place x402 outcomes become HTTP: the 402 (v2 envelope in <c>PAYMENT-REQUIRED</c>, v1 envelope
/// as the body, <c>Cache-Control: no-store</c>), 502/503 when the facilitator cannot be asked, and the
/// settle response headers (<c>PAYMENT-RESPONSE</c> / <c>X-PAYMENT-RESPONSE</c>).
/// </summary>
public static class X402HttpResults
{
    /// <summary>The answer for an admission that was not admitted.</summary>
    public static IResult For(X402Admission admission) => admission.Status switch
    {
        X402AdmissionStatus.PaymentRequired or X402AdmissionStatus.Rejected => PaymentRequired(admission.Challenge!),
        X402AdmissionStatus.FacilitatorUnavailable => new X402Result(
            admission.Challenge is null ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway,
            null, ErrorBody(admission.Reason ?? "facilitator_unavailable")),
        _ => throw new InvalidOperationException("An admitted payment has no error answer; serve it and settle."),
    };

    /// <summary>The answer for a settlement that did not settle (the caller must not serve the output).</summary>
    public static IResult For(X402Settlement settlement) => settlement.Status switch
    {
        X402SettlementStatus.Failed or X402SettlementStatus.Pending => new X402Result(
            StatusCodes.Status402PaymentRequired, (settlement.HeaderName, HeaderCodec.EncodeSettleResponse(settlement.Response)), "{}"u8.ToArray()),
        X402SettlementStatus.Unavailable => new X402Result(StatusCodes.Status503ServiceUnavailable, null, ErrorBody("facilitator_unavailable")),
        _ => throw new InvalidOperationException("A settled payment has no error answer; add its headers and serve."),
    };

    public static IResult PaymentRequired(PaymentChallenge challenge) => new X402Result(
        StatusCodes.Status402PaymentRequired,
        (X402Headers.PaymentRequired, HeaderCodec.EncodePaymentRequired(challenge.V2)),
        JsonSerializer.SerializeToUtf8Bytes(challenge.V1, X402JsonContext.Default.PaymentRequiredV1));

    /// <summary>On success, before the first byte of the (possibly streamed) output: the settle response header and <c>Cache-Control: private</c>.</summary>
    public static void ApplySettled(HttpResponse response, X402Settlement settlement)
    {
        if (!settlement.IsSettled)
        {
            throw new InvalidOperationException("Only a settled payment is served.");
        }

        response.Headers[settlement.HeaderName] = HeaderCodec.EncodeSettleResponse(settlement.Response);
        response.Headers.CacheControl = "private";
        response.Headers.AccessControlExposeHeaders = X402Headers.ExposedResponseHeaders;
    }

    private static byte[] ErrorBody(string error) =>
        JsonSerializer.SerializeToUtf8Bytes(new PaymentRequiredV1(1, error, []), X402JsonContext.Default.PaymentRequiredV1);

    private sealed class X402Result(int status, (string Name, string Value)? header, byte[] body) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.Headers.CacheControl = "no-store";
            response.Headers.AccessControlExposeHeaders = X402Headers.ExposedResponseHeaders;
            if (header is { } h)
            {
                response.Headers[h.Name] = h.Value;
            }

            response.ContentType = "application/json";
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}
