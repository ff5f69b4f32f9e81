using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Payments.X402;
using Bourse.Solana.Rpc;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SimpleBase;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// The rail end to end: real client payments (pay.mjs), the real facilitator settling on the local chain,
/// the ledger on Azurite, services registered exactly as the functions app registers them.
/// </summary>
public sealed class X402RailTests(LocalFacilitatorFixture local) : IClassFixture<LocalFacilitatorFixture>, IDisposable
{
    private readonly ServiceProvider _services = Services(local);

    private X402Rail Rail => _services.GetRequiredService<X402Rail>();

    [Fact]
    public async Task AdmitAsync_NoPayment_ChallengesWithTheFacilitatorsFeePayerAndModelVault()
    {
        var admission = await Rail.AdmitAsync(Quote(2_500), null, null);

        Assert.Equal(X402AdmissionStatus.PaymentRequired, admission.Status);
        Assert.Equal(local.FeePayer, admission.Challenge!.Requirement.Extra!.FeePayer);
        Assert.Equal(local.GemmaPayTo, admission.Challenge.Requirement.PayTo);
    }

    [Fact]
    public async Task AdmitAndSettle_V2Payment_PaysTheVaultOnceAndRefusesTheReplay()
    {
        var quote = Quote(2_500);
        var header = await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(quote));
        var before = await VaultBalanceAsync();

        var admission = await Rail.AdmitAsync(quote, header, null);
        Assert.True(admission.IsAdmitted, admission.Reason);
        var settlement = await Rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Settled, settlement.Status);
        Assert.Equal(X402Headers.PaymentResponse, settlement.HeaderName);
        Assert.Equal(local.Payer, settlement.Response.Payer);
        Assert.Equal(2_500UL, await VaultBalanceAsync() - before);
        var record = await _services.GetRequiredService<PaymentLedger>().GetAsync(admission.Payment!.Id);
        Assert.Equal(PaymentState.Settled, record!.State);
        Assert.Equal(settlement.Response.Transaction, record.Signature);

        var replay = await Rail.AdmitAsync(quote, header, null);
        Assert.Equal(X402AdmissionStatus.Rejected, replay.Status);
        Assert.Equal(X402Rejection.PaymentAlreadyUsed, replay.Rejection);
        Assert.Equal("payment_already_used", replay.Challenge!.V2.Error);
    }

    [Fact]
    public async Task AdmitAndSettle_V1Payment_RebuildsTheRequirementAndSettles()
    {
        var quote = Quote(3_000);
        var challenge = await Rail.ChallengeAsync(quote);
        var header = await local.PayAsync(v1Body: JsonSerializer.Serialize(challenge!.V1, X402JsonContext.Default.PaymentRequiredV1));
        var before = await VaultBalanceAsync();

        var admission = await Rail.AdmitAsync(quote, null, header);
        Assert.True(admission.IsAdmitted, admission.Reason);
        var settlement = await Rail.SettleAsync(admission.Payment!);

        Assert.Equal(X402SettlementStatus.Settled, settlement.Status);
        Assert.Equal(X402Headers.XPaymentResponse, settlement.HeaderName);
        Assert.Equal(3_000UL, await VaultBalanceAsync() - before);
    }

    [Fact]
    public async Task AdmitAsync_V2PaymentForACheaperQuote_RejectedAsAmountMismatchAndNothingCharged()
    {
        var header = await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(Quote(2_500)));
        var before = await VaultBalanceAsync();

        var admission = await Rail.AdmitAsync(Quote(5_000), header, null);

        Assert.Equal(X402Rejection.AmountMismatch, admission.Rejection);
        Assert.Equal("amount_mismatch", admission.Challenge!.V1.Error);
        Assert.Equal(before, await VaultBalanceAsync());
    }

    [Fact]
    public async Task AdmitAsync_V1PaymentForACheaperQuote_FacilitatorRejectsAndTheClaimIsReleased()
    {
        var cheap = await Rail.ChallengeAsync(Quote(2_500));
        var header = await local.PayAsync(v1Body: JsonSerializer.Serialize(cheap!.V1, X402JsonContext.Default.PaymentRequiredV1));

        var admission = await Rail.AdmitAsync(Quote(5_000), null, header);

        Assert.Equal(X402Rejection.FacilitatorRejected, admission.Rejection);
        Assert.Contains("amount", admission.Reason, StringComparison.Ordinal);
        var id = PaymentTransaction.TryRead(HeaderCodec.DecodePayment(null, header).Value!.Transaction, out _)!.MessageHash;
        Assert.Null(await _services.GetRequiredService<PaymentLedger>().GetAsync(id));
    }

    [Fact]
    public async Task AdmitAsync_SamePaymentConcurrently_AdmitsExactlyOne()
    {
        var quote = Quote(2_000);
        var header = await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(quote));

        var admissions = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Rail.AdmitAsync(quote, header, null))));

        Assert.Single(admissions, a => a.IsAdmitted);
        Assert.All(admissions.Where(a => !a.IsAdmitted), a => Assert.Equal(X402Rejection.PaymentInProgress, a.Rejection));
        await Rail.ReleaseAsync(admissions.Single(a => a.IsAdmitted).Payment!);
    }

    [Fact]
    public async Task ReleaseAsync_WorkFailedBeforeOutput_TheSamePaymentCanBeUsedAgain()
    {
        var quote = Quote(1_500);
        var header = await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(quote));
        var first = await Rail.AdmitAsync(quote, header, null);

        Assert.True(await Rail.ReleaseAsync(first.Payment!));
        var second = await Rail.AdmitAsync(quote, header, null);

        Assert.True(second.IsAdmitted, second.Reason);
        Assert.Equal(X402SettlementStatus.Settled, (await Rail.SettleAsync(second.Payment!)).Status);
    }

    [Fact]
    public async Task ReconcileAsync_PendingWithLandedSignature_BecomesSettled_AndUnseenExpired_BecomesFailed()
    {
        var ledger = _services.GetRequiredService<PaymentLedger>();
        var reconciler = _services.GetRequiredService<SettlementReconciler>();
        var quote = Quote(1_000);
        var header = await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(quote));
        var admission = await Rail.AdmitAsync(quote, header, null);
        var landed = (await Rail.SettleAsync(admission.Payment!)).Response.Transaction;

        var pending = await PendingAsync(ledger, landed, expiresAt: ulong.MaxValue);
        var unseen = await PendingAsync(ledger, Base58.Bitcoin.Encode(new byte[64]), expiresAt: 0);

        Assert.Equal(PaymentState.Settled, (await reconciler.ReconcileAsync(pending)).State);
        var failed = await reconciler.ReconcileAsync(unseen);
        Assert.Equal(PaymentState.Failed, failed.State);
        Assert.Equal("transaction_expired", failed.Reason);
    }

    [Fact]
    public async Task Reconcile_SettleInterruptedAfterItLanded_FindsTheTransactionByThePaymentIdAndSettles()
    {
        var ledger = _services.GetRequiredService<PaymentLedger>();
        var reconciler = _services.GetRequiredService<SettlementReconciler>();
        var quote = Quote(1_000);
        var admission = await Rail.AdmitAsync(quote, await local.PayAsync(paymentRequiredHeader: await ChallengeHeaderAsync(quote)), null);
        var landed = (await Rail.SettleAsync(admission.Payment!)).Response.Transaction;
        await InterruptAsync(admission.Payment!.Id); // the process died during /settle: settling, no signature, for minutes

        var recovered = await reconciler.RecoverInterruptedAsync();
        var pending = await ledger.GetAsync(admission.Payment.Id);
        var reconciled = await reconciler.ReconcileAsync(pending!);

        Assert.True(recovered >= 1);
        Assert.Equal((PaymentState.SettlementPending, "settle_interrupted"), (pending!.State, pending.Reason));
        Assert.Equal((PaymentState.Settled, landed), (reconciled.State, reconciled.Signature));
    }

    [Fact]
    public async Task Reconcile_PendingWithoutSignatureNeverLandedAndExpired_BecomesFailed()
    {
        var ledger = _services.GetRequiredService<PaymentLedger>();
        var reconciler = _services.GetRequiredService<SettlementReconciler>();
        var unseen = await PendingAsync(ledger, signature: null, expiresAt: 0);
        var undecided = await PendingAsync(ledger, signature: null, expiresAt: ulong.MaxValue);

        var failed = await reconciler.ReconcileAsync(unseen);
        var waiting = await reconciler.ReconcileAsync(undecided);

        Assert.Equal((PaymentState.Failed, "transaction_expired"), (failed.State, failed.Reason));
        Assert.Equal(PaymentState.SettlementPending, waiting.State);
    }

    public void Dispose() => _services.Dispose();

    private static async Task InterruptAsync(string paymentId)
    {
        var table = new TableServiceClient(LocalStack.Instance.Storage).GetTableClient(TableNames.X402Payments);
        var row = (await table.GetEntityAsync<TableEntity>(paymentId, "payment")).Value;
        row["State"] = "settling";
        row.Remove("Signature");
        row["UpdatedAt"] = TimeProvider.System.GetUtcNow() - TimeSpan.FromMinutes(10);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        // What its settling transition indexed ten minutes ago has fallen due by now.
        await new DueIndex(new TableServiceClient(LocalStack.Instance.Storage), TimeProvider.System).AddAsync(PaymentLedger.SettlingDueKind, TimeProvider.System.GetUtcNow(), paymentId, CancellationToken.None);
    }

    private static async Task<PaymentRecord> PendingAsync(PaymentLedger ledger, string? signature, ulong expiresAt)
    {
        var claim = (await ledger.TryClaimAsync(PaymentLedgerTests.NewPayment())).Record!;
        var settling = await ledger.TransitionAsync(claim, PaymentState.Settling);
        return (await ledger.TransitionAsync(settling!, PaymentState.SettlementPending, signature, expiresAtBlockHeight: expiresAt))!;
    }

    /// <summary>Gemma's quote as the chat rail makes it from Gemma's listing: paid into its vault.</summary>
    private X402Quote Quote(long amount) => new(X402TestData.Resource, X402TestData.Gemma, amount, local.GemmaPayTo);

    private async Task<string> ChallengeHeaderAsync(X402Quote quote) => HeaderCodec.EncodePaymentRequired((await Rail.ChallengeAsync(quote))!.V2);

    private async Task<ulong> VaultBalanceAsync()
    {
        var balance = await _services.GetRequiredService<SolanaRpcClient>().GetTokenAccountBalanceAsync(local.GemmaVaultUsdc);
        return balance.Value!.Value.RawAmount;
    }

    private static ServiceProvider Services(LocalFacilitatorFixture local)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = LocalStack.Instance.Storage,
            ["X402:FacilitatorUrl"] = local.FacilitatorUrl,
            ["X402:TreasuryAddress"] = local.Treasury,
            ["X402:UsdcMint"] = local.UsdcMint,
            ["Solana:RpcUrls:0"] = local.Rpc,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddBourseStorage(configuration);
        services.AddX402();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
