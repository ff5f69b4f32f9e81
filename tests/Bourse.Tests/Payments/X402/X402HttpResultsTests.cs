using System.Text;
using System.Text.Json.Nodes;
using Bourse.Payments.X402;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.Tests.Payments.X402;

public sealed class X402HttpResultsTests
{
    [Fact]
    public async Task For_PaymentRequired_Writes402WithV2HeaderV1BodyAndNoStore()
    {
        var challenge = X402TestData.Challenge();

        var (context, body) = await ExecuteAsync(X402HttpResults.For(new X402Admission(X402AdmissionStatus.PaymentRequired, Challenge: challenge)));

        Assert.Equal(402, context.Response.StatusCode);
        Assert.Equal("no-store", context.Response.Headers.CacheControl.ToString());
        Assert.Equal(challenge.V2, HeaderCodec.DecodePaymentRequired(context.Response.Headers[X402Headers.PaymentRequired]).Value! with { Accepts = challenge.V2.Accepts });
        Assert.Equal(1, (int)JsonNode.Parse(body)!["x402Version"]!);
        Assert.Equal("2500", (string)JsonNode.Parse(body)!["accepts"]![0]!["amount"]!);
        Assert.Contains("PAYMENT-RESPONSE", context.Response.Headers.AccessControlExposeHeaders.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task For_Rejected_CarriesTheReasonInBothEnvelopes()
    {
        var challenge = X402TestData.Challenge().WithError("amount_mismatch");

        var (context, body) = await ExecuteAsync(X402HttpResults.For(new X402Admission(X402AdmissionStatus.Rejected, Challenge: challenge, Rejection: X402Rejection.AmountMismatch)));

        Assert.Equal(402, context.Response.StatusCode);
        Assert.Equal("amount_mismatch", (string)JsonNode.Parse(body)!["error"]!);
        Assert.Equal("amount_mismatch", HeaderCodec.DecodePaymentRequired(context.Response.Headers[X402Headers.PaymentRequired]).Value!.Error);
    }

    [Theory]
    [InlineData(false, 503)]
    [InlineData(true, 502)]
    public async Task For_FacilitatorUnavailable_Is5xxNotA402(bool hadChallenge, int status)
    {
        var admission = new X402Admission(X402AdmissionStatus.FacilitatorUnavailable, Challenge: hadChallenge ? X402TestData.Challenge() : null, Reason: "facilitator_unavailable");

        var (context, _) = await ExecuteAsync(X402HttpResults.For(admission));

        Assert.Equal(status, context.Response.StatusCode);
    }

    [Theory]
    [InlineData(1, "X-PAYMENT-RESPONSE")]
    [InlineData(2, "PAYMENT-RESPONSE")]
    public async Task For_FailedSettlement_Is402WithTheVersionsResponseHeader(int version, string header)
    {
        var settlement = new X402Settlement(X402SettlementStatus.Failed, new SettleResponse(false, "", X402Networks.SolanaDevnet, ErrorReason: "invalid_exact_svm_transaction_failed"), version);

        var (context, body) = await ExecuteAsync(X402HttpResults.For(settlement));

        Assert.Equal(402, context.Response.StatusCode);
        Assert.Equal("{}", body);
        Assert.False(HeaderCodec.DecodeSettleResponse(context.Response.Headers[header]).Value!.Success);
    }

    [Fact]
    public void ApplySettled_V2_AddsPaymentResponseAndPrivateCache()
    {
        var context = new DefaultHttpContext();
        var settlement = new X402Settlement(X402SettlementStatus.Settled, new SettleResponse(true, "5sig", X402Networks.SolanaDevnet, "payer1"), 2);

        X402HttpResults.ApplySettled(context.Response, settlement);

        Assert.Equal("private", context.Response.Headers.CacheControl.ToString());
        Assert.Equal("5sig", HeaderCodec.DecodeSettleResponse(context.Response.Headers[X402Headers.PaymentResponse]).Value!.Transaction);
    }

    private static async Task<(HttpContext Context, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        using var stream = new MemoryStream();
        context.Response.Body = stream;
        await result.ExecuteAsync(context);
        return (context, Encoding.UTF8.GetString(stream.ToArray()));
    }
}
