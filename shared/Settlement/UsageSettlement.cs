using System.Text.Json;
using Azure.Storage.Queues;
using Bourse.Json;
using Bourse.Storage;
using Bourse.Usage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Settlement;

/// <summary>
/// Settles usage events from the <c>settlement</c> queue: the creator fee and vault the event was charged under, the
/// protocol fee in force when the call happened, posted once by event id. A message that is not a
/// usage event goes to <c>settlement-poison</c> with its reason logged, untried again.
/// </summary>
public sealed partial class UsageSettlement(
    SettlementLedger ledger,
    VaultPayables payables,
    IOptions<SettlementOptions> options,
    QueueServiceClient queues,
    ILogger<UsageSettlement> logger)
{
    private readonly ProtocolFeeSchedule _schedule = options.Value.Schedule();

    public async Task SettleAsync(string message, CancellationToken cancellationToken)
    {
        var (usage, reason) = Parse(message);
        if (usage is null)
        {
            Log.Malformed(logger, reason!);
            var poison = queues.GetQueueClient(QueueNames.Settlement + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(message, cancellationToken);
            return;
        }

        // Both writes are insert-once and the message is deleted only after both: a redelivery completes whichever a crash cut.
        var posting = Posting(usage);
        var posted = await ledger.PostAsync([posting], cancellationToken);
        await payables.AccrueAsync([posting], cancellationToken);
        if (posted == 0)
        {
            Log.Duplicate(logger, usage.EventId);
        }
    }

    /// <summary>The posting under the terms the event was charged under, and the protocol fee in force when it happened.</summary>
    public SettlementPosting Posting(UsageEvent usage) => SettlementPosting.For(usage, _schedule.BpsAt(usage.OccurredAt));

    private static (UsageEvent? Usage, string? Reason) Parse(string message)
    {
        string reason;
        try
        {
            var usage = JsonSerializer.Deserialize(message, BourseJsonContext.Default.UsageEvent);
            reason = usage switch
            {
                null => "empty",
                { EventId: null or "" } => "no eventId",
                { Model: null or "" } => "no model",
                { Offer: null or "" } => "no offer",
                { CostMicroUsdc: < 0 } => "negative cost",
                { Rail: UsageEvent.CreditsRail, AccountId: null or "" } => "a credits event without an account",
                { Rail: UsageEvent.X402Rail, AmountPaidMicroUsdc: null or < 0 } => "an x402 event without the amount paid",
                { Rail: not (UsageEvent.CreditsRail or UsageEvent.X402Rail) } => "unknown rail",
                _ => string.Empty,
            };
            if (reason.Length == 0)
            {
                return (usage, null);
            }
        }
        catch (JsonException e)
        {
            reason = "not JSON: " + e.Message;
        }

        return (null, reason);
    }

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Error, "Settlement: malformed usage event moved to the poison queue ({Reason})")]
        public static partial void Malformed(ILogger logger, string reason);

        [LoggerMessage(3001, LogLevel.Information, "Settlement: event {EventId} was posted before; nothing to do")]
        public static partial void Duplicate(ILogger logger, string eventId);
    }
}
