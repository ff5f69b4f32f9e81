using Azure.Data.Tables;
using Bourse.Payments.X402;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

/// <summary>The ledger on Azurite (the local stack's storage).</summary>
public sealed class PaymentLedgerTests
{
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);

    // A private due index: what this test's payments put there is all it holds.
    private readonly DueIndex _due = new(Tables, TimeProvider.System, "DueX402" + Guid.NewGuid().ToString("N")[..12]);
    private readonly PaymentLedger _ledger;

    public PaymentLedgerTests() => _ledger = new(Tables, _due, TimeProvider.System);

    [Fact]
    public async Task TryClaimAsync_SamePaymentTwice_SecondIsRefusedAndSeesTheFirst()
    {
        var payment = NewPayment();

        var first = await _ledger.TryClaimAsync(payment);
        var second = await _ledger.TryClaimAsync(payment);

        Assert.True(first.IsClaimed);
        Assert.Equal(PaymentState.Verifying, first.Record!.State);
        Assert.False(second.IsClaimed);
        Assert.Equal(PaymentState.Verifying, second.Existing!.State);
        Assert.Equal(2_500, second.Existing.Amount);
        Assert.Equal(X402TestData.GemmaPayTo, second.Existing.PayTo);
    }

    [Fact]
    public async Task TryClaimAsync_50ConcurrentDuplicates_ExactlyOneClaims()
    {
        var payment = NewPayment();

        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => _ledger.TryClaimAsync(payment))));

        Assert.Equal(1, claims.Count(c => c.IsClaimed));
        Assert.Equal(49, claims.Count(c => c is { IsClaimed: false, Existing: not null }));
    }

    [Fact]
    public async Task TryClaimAsync_AfterSettlement_IsRefused()
    {
        var payment = NewPayment();
        var claim = (await _ledger.TryClaimAsync(payment)).Record!;
        var settling = await _ledger.TransitionAsync(claim, PaymentState.Settling);
        var settled = await _ledger.TransitionAsync(settling!, PaymentState.Settled, signature: "sig1", payer: "payer1");

        var replay = await _ledger.TryClaimAsync(payment);

        Assert.NotNull(settled);
        Assert.False(replay.IsClaimed);
        Assert.Equal(PaymentState.Settled, replay.Existing!.State);
        Assert.Equal("sig1", replay.Existing.Signature);
    }

    [Fact]
    public async Task TransitionAsync_StaleETag_ReturnsNull()
    {
        var claim = (await _ledger.TryClaimAsync(NewPayment())).Record!;
        Assert.NotNull(await _ledger.TransitionAsync(claim, PaymentState.Settling));

        Assert.Null(await _ledger.TransitionAsync(claim, PaymentState.Settling));
    }

    [Fact]
    public async Task ReleaseAsync_UnsettledClaim_CanBeClaimedAgain()
    {
        var payment = NewPayment();
        var claim = (await _ledger.TryClaimAsync(payment)).Record!;

        Assert.True(await _ledger.ReleaseAsync(claim));
        Assert.Null(await _ledger.GetAsync(payment.Id));
        Assert.True((await _ledger.TryClaimAsync(payment)).IsClaimed);
    }

    [Fact]
    public async Task TransitionAsync_ToPending_IsDueForTheReconcilerAtOnce_AndSettlingOnlyAfterTheInterruptWindow()
    {
        var claim = (await _ledger.TryClaimAsync(NewPayment())).Record!;
        var settling = await _ledger.TransitionAsync(claim, PaymentState.Settling);
        await _ledger.TransitionAsync(settling!, PaymentState.SettlementPending, signature: "sig2", expiresAtBlockHeight: 1234);

        var pending = new List<PaymentRecord>();
        var settlingDue = new List<PaymentRecord>();
        await _ledger.DrainDueAsync(PaymentLedger.PendingDueKind, (r, _) => { pending.Add(r); return Task.FromResult<DateTimeOffset?>(null); }, CancellationToken.None);
        await _ledger.DrainDueAsync(PaymentLedger.SettlingDueKind, (r, _) => { settlingDue.Add(r); return Task.FromResult<DateTimeOffset?>(null); }, CancellationToken.None);
        var again = 0;
        await _ledger.DrainDueAsync(PaymentLedger.PendingDueKind, (_, _) => { again++; return Task.FromResult<DateTimeOffset?>(null); }, CancellationToken.None);

        var record = Assert.Single(pending);
        Assert.Equal((claim.Id, PaymentState.SettlementPending, 1234UL), (record.Id, record.State, record.ExpiresAtBlockHeight));
        Assert.Empty(settlingDue); // its settling entry falls due only after InterruptedAfter
        Assert.Equal(0, again); // handled: gone from the index
    }

    internal static CheckedPayment NewPayment()
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction();
        return PaymentVerifier.Check(X402TestData.Decode(X402TestData.PayloadV2(challenge, tx)), challenge).Payment!;
    }
}
