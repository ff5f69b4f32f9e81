using Bourse.Storage;
using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Bourse.Payments.X402;
using Bourse.Solana.Rpc;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Solana.Rpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// The rail's settle outcomes the real facilitator cannot be made to produce (5xx, 429, pending), with a
/// scripted facilitator and RPC node and the ledger on Azurite.
/// </summary>
public sealed class X402RailSettlementTests
{
    private const string VerifyOk = """{"isValid":true,"payer":"payer1"}""";
    private FakeFacilitatorHandler? _facilitator;
    private FakeRpcHandler? _rpc;
    private PaymentLedger? _ledger;

    [Fact]
    public async Task SettleAsync_Facilitator5xx_IsPendingNotRetriedAndTheReplayIsRefused()
    {
        var rail = Rail(settle: _ => FakeFacilitatorHandler.Status(HttpStatusCode.BadGateway));
        var (quote, header) = Payment();
        var admission = await rail.AdmitAsync(quote, header, null);

        var settlement = await rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Pending, settlement.Status);
        Assert.Equal(1, _facilitator!.Calls("settle"));
        var record = await _ledger!.GetAsync(admission.Payment!.Id);
        Assert.Equal(PaymentState.SettlementPending, record!.State);
        Assert.Equal(100UL + SettlementReconciler.MaxBlockhashAge, record.ExpiresAtBlockHeight);
        Assert.Null(record.Signature);
        var replay = await rail.AdmitAsync(quote, header, null);
        Assert.Equal(X402Rejection.PaymentAlreadyUsed, replay.Rejection);
        Assert.Equal(1, _facilitator.Calls("verify"));
    }

    [Fact]
    public async Task SettleAsync_PendingWithASignatureThatLanded_IsSettledByStatusWithoutASecondSettle()
    {
        var rail = Rail(
            settle: _ => FakeFacilitatorHandler.Json("""{"success":false,"errorReason":"settlement_pending","transaction":"5pendingSig","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"}"""),
            landed: true);
        var (quote, header) = Payment();
        var admission = await rail.AdmitAsync(quote, header, null);

        var settlement = await rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Settled, settlement.Status);
        Assert.Equal("5pendingSig", settlement.Response.Transaction);
        Assert.Equal(1, _facilitator!.Calls("settle"));
        Assert.Equal(PaymentState.Settled, (await _ledger!.GetAsync(admission.Payment!.Id))!.State);
    }

    [Fact]
    public async Task SettleAsync_RateLimitedThroughout_IsUnavailableAndThePaymentIsReleased()
    {
        var rail = Rail(settle: _ => FakeFacilitatorHandler.Status(HttpStatusCode.TooManyRequests, TimeSpan.Zero));
        var (quote, header) = Payment();
        var admission = await rail.AdmitAsync(quote, header, null);

        var settlement = await rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Unavailable, settlement.Status);
        Assert.Null(await _ledger!.GetAsync(admission.Payment!.Id));
        Assert.True((await rail.AdmitAsync(quote, header, null)).IsAdmitted);
    }

    [Fact]
    public async Task SettleAsync_TransactionFailed_IsFailedWithTheFacilitatorsReason()
    {
        var rail = Rail(settle: _ => FakeFacilitatorHandler.Json("""{"success":false,"errorReason":"invalid_exact_svm_transaction_failed","transaction":"","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1"}"""));
        var (quote, header) = Payment();
        var admission = await rail.AdmitAsync(quote, header, null);

        var settlement = await rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Failed, settlement.Status);
        Assert.Equal("invalid_exact_svm_transaction_failed", settlement.Response.ErrorReason);
        Assert.Equal(PaymentState.Failed, (await _ledger!.GetAsync(admission.Payment!.Id))!.State);
    }

    [Fact]
    public async Task SettleAsync_SameAdmissionTwice_SettlesOnce()
    {
        var rail = Rail(settle: _ => FakeFacilitatorHandler.Json("""{"success":true,"transaction":"5sig","network":"solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1","payer":"payer1"}"""));
        var (quote, header) = Payment();
        var admission = await rail.AdmitAsync(quote, header, null);

        var first = await rail.SettleAsync(admission.Payment!);
        var second = await rail.SettleAsync(admission.Payment!);

        Assert.True(first.IsSettled);
        Assert.Equal(X402SettlementStatus.Failed, second.Status);
        Assert.Equal(1, _facilitator!.Calls("settle"));
    }

    [Fact]
    public async Task AdmitAsync_FeePayerNotManaged_RejectsAndTheNextChallengeNamesTheNewFeePayer()
    {
        var rail = Rail(
            settle: _ => FakeFacilitatorHandler.Status(HttpStatusCode.InternalServerError),
            verify: _ => FakeFacilitatorHandler.Json("""{"isValid":false,"invalidReason":"invalid_exact_svm_fee_payer_not_managed_by_facilitator"}"""),
            feePayers: [X402TestData.FeePayer, X402TestData.Treasury]);
        var (quote, header) = Payment();

        var admission = await rail.AdmitAsync(quote, header, null);

        Assert.Equal(X402Rejection.FacilitatorRejected, admission.Rejection);
        Assert.Equal(X402TestData.Treasury, admission.Challenge!.Requirement.Extra!.FeePayer);
        Assert.Equal("invalid_exact_svm_fee_payer_not_managed_by_facilitator", admission.Challenge.V2.Error);
    }

    private static (X402Quote Quote, string Header) Payment()
    {
        var quote = new X402Quote(X402TestData.Resource, X402TestData.Gemma, 2_500);
        var challenge = X402TestData.Builder().Build(quote, X402TestData.FeePayer);
        var (tx, _) = X402TestData.Transaction();
        return (quote, HeaderCodec.EncodePayment(X402TestData.PayloadV2(challenge, tx)));
    }

    private X402Rail Rail(
        Func<int, HttpResponseMessage> settle, Func<int, HttpResponseMessage>? verify = null, bool landed = false, string[]? feePayers = null)
    {
        feePayers ??= [X402TestData.FeePayer];
        _facilitator = new FakeFacilitatorHandler((path, n, _) => Task.FromResult(path switch
        {
            "supported" => FakeFacilitatorHandler.Json(
                $$$"""{"kinds":[{"x402Version":2,"scheme":"exact","network":"{{{X402Networks.SolanaDevnet}}}","extra":{"feePayer":"{{{feePayers[Math.Min(n, feePayers.Length) - 1]}}}"}}]}"""),
            "verify" => verify?.Invoke(n) ?? FakeFacilitatorHandler.Json(VerifyOk),
            _ => settle(n),
        }));
        _rpc = new FakeRpcHandler((_, method, _) => method switch
        {
            "getBlockHeight" => FakeRpcHandler.Result(100),
            _ => FakeRpcHandler.Result(JsonNode.Parse(landed
                ? """{"context":{"slot":5},"value":[{"slot":5,"confirmations":null,"err":null,"confirmationStatus":"finalized"}]}"""
                : """{"context":{"slot":5},"value":[null]}""")),
        });
        var options = X402TestData.Options();
        options = new X402Options
        {
            Network = options.Network,
            UsdcMint = options.UsdcMint,
            TreasuryAddress = options.TreasuryAddress,
            FacilitatorUrl = new Uri("http://facilitator.test"),
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        };
        var wrapped = X402TestData.Wrap(options);
        var client = new FacilitatorClient(new HttpClient(_facilitator), wrapped, TimeProvider.System, NullLogger<FacilitatorClient>.Instance);
        var cache = new FeePayerCache(client, wrapped, TimeProvider.System, NullLogger<FeePayerCache>.Instance);
        var solana = Microsoft.Extensions.Options.Options.Create(new SolanaRpcOptions { RpcUrls = [new Uri("http://rpc.test")], MaxRetries = 0 });
        var rpc = new SolanaRpcClient(new HttpClient(_rpc), solana, TimeProvider.System, NullLogger<SolanaRpcClient>.Instance);
        _ledger = new PaymentLedger(new TableServiceClient(LocalStack.Instance.Storage), new DueIndex(new TableServiceClient(LocalStack.Instance.Storage), TimeProvider.System), TimeProvider.System);
        var reconciler = new SettlementReconciler(_ledger, new TransactionSender(rpc, solana, TimeProvider.System, NullLogger<TransactionSender>.Instance), rpc, TimeProvider.System, NullLogger<SettlementReconciler>.Instance);
        return new X402Rail(X402TestData.Builder(options), cache, new PaymentVerifier(client, cache), client, _ledger, reconciler, wrapped, NullLogger<X402Rail>.Instance);
    }
}
