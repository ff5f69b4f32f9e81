using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Payments.X402;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Usage;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// A paid call whose process died before it reported usage: the recorded event reaches the ledger on
/// the running stack if, and only if, the payment settled. Rows are backdated an hour with a fake
/// clock, so the resend (age 30 min) touches only this test's rows, not other tests' calls in flight.
/// </summary>
public sealed class PaidUsageOutboxTests
{
    private readonly TableServiceClient _tables = new(LocalStack.Instance.Storage);
    private readonly FakeTimeProvider _time = new(TimeProvider.System.GetUtcNow().AddHours(-1));
    private readonly PaidUsageOutbox _outbox;

    public PaidUsageOutboxTests()
    {
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        _outbox = new PaidUsageOutbox(_tables, new PaymentLedger(_tables, new DueIndex(_tables, _time), _time), new UsageEventPublisher(queues), _time);
    }

    [Fact]
    public async Task ResendStale_SettledPaymentThatNeverReported_ReachesTheLedgerOnceWithItsSignature()
    {
        var (id, signature) = await PaymentAsync("settled");
        await _outbox.RecordAsync(id, Fallback(id), CancellationToken.None);
        _time.SetUtcNow(TimeProvider.System.GetUtcNow());

        var sent = await _outbox.ResendStaleAsync(TimeSpan.FromMinutes(30), CancellationToken.None);
        var again = await _outbox.ResendStaleAsync(TimeSpan.FromMinutes(30), CancellationToken.None);

        Assert.Equal((1, 0), (sent, again));
        var posted = await Bourse.Tests.Settlement.PostedEvents.FindAsync("deepseek-chat", p => p.Event.EventId == "x402_" + id);
        Assert.NotNull(posted);
        Assert.Equal((12_345L, signature, true), (posted.Posting.Split.Gross, posted.Posting.Event.PaymentSignature, posted.Posting.Event.UsageEstimated));
    }

    [Theory]
    [InlineData("failed", false)]
    [InlineData(null, false)]
    [InlineData("settlement_pending", true)]
    public async Task ResendStale_PaymentNotSettled_SendsNothingAndKeepsTheRowOnlyWhileUndecided(string? state, bool kept)
    {
        var (id, _) = state is null ? (RandomNumberGenerator.GetHexString(64, lowercase: true), "") : await PaymentAsync(state);
        await _outbox.RecordAsync(id, Fallback(id), CancellationToken.None);
        _time.SetUtcNow(TimeProvider.System.GetUtcNow());

        var sent = await _outbox.ResendStaleAsync(TimeSpan.FromMinutes(30), CancellationToken.None);

        Assert.Equal(0, sent);
        var row = await _tables.GetTableClient(TableNames.X402Payments).GetEntityIfExistsAsync<TableEntity>("usage-outbox", id);
        Assert.Equal(kept, row.HasValue);
    }

    private static UsageEvent Fallback(string id) => new(
        "x402_" + id, UsageEvent.X402Rail, "deepseek-chat", "deepseek/deepseek-chat", 0, 0, true, 12_345, "req_test", TimeProvider.System.GetUtcNow(),
        Payer: "payer", AmountPaidMicroUsdc: 12_345);

    private async Task<(string Id, string Signature)> PaymentAsync(string state)
    {
        var id = RandomNumberGenerator.GetHexString(64, lowercase: true);
        var signature = "sig" + RandomNumberGenerator.GetHexString(40);
        var table = _tables.GetTableClient(TableNames.X402Payments);
        await table.CreateIfNotExistsAsync();
        await table.AddEntityAsync(new TableEntity(id, "payment")
        {
            ["State"] = state, ["Version"] = 2, ["Network"] = "solana:test", ["Asset"] = "usdc", ["Amount"] = 12_345L, ["PayTo"] = "vault",
            ["ModelId"] = "deepseek-chat", ["Payer"] = "payer", ["Signature"] = signature, ["CreatedAt"] = TimeProvider.System.GetUtcNow(), ["UpdatedAt"] = TimeProvider.System.GetUtcNow(),
        });
        return (id, signature);
    }
}
