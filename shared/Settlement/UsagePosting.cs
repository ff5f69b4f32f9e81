using System.Text.Json;
using Azure.Storage.Queues;
using Bourse.Json;
using Bourse.Storage;
using Bourse.Telemetry;
using Bourse.Usage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Settlement;

/// <summary>
/// Posts usage events from the <c>settlement</c> queue to the settlement ledger (one event per message,
/// or an array of them). Naming: in the code, to "settle" is x402's on-chain settlement of a payment
/// (the facilitator's <c>/settle</c>); usage is "posted" to the ledger (the queue, table and function
/// keep their deployed names). Per event:
/// the creator fee and vault each event was charged under, the protocol fee in force when the call
/// happened, posted once by event id. An entry that is not a usage event goes to <c>settlement-poison</c>
/// with its reason logged, untried again; the rest of its message is posted.
/// </summary>
public sealed partial class UsagePosting(
    SettlementLedger ledger,
    IOptions<SettlementOptions> options,
    QueueServiceClient queues,
    TimeProvider time,
    ILogger<UsagePosting> logger)
{
    /// <summary>Event ids are ours (a hold's, a payment's): anything longer is not a usage event.</summary>
    public const int MaxEventIdLength = 256;

    private readonly ProtocolFeeSchedule _schedule = options.Value.Schedule();

    public async Task PostAsync(string message, CancellationToken cancellationToken)
    {
        using var activity = BourseTelemetry.Source.StartActivity("bourse.settlement.message");
        var (events, malformed) = Parse(message);
        activity?.SetTag("events", events.Count);
        foreach (var (reason, json) in malformed)
        {
            Log.Malformed(logger, reason);
            var poison = queues.GetQueueClient(QueueNames.Settlement + "-poison");
            await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await poison.SendMessageAsync(json, cancellationToken);
        }

        if (events.Count == 0)
        {
            return;
        }

        // The ledger page and its vault accrual are insert-once and the message is deleted only after both: a redelivery
        // completes whichever a crash cut. The message's events go to the ledger as one page per partition (day, model).
        var postings = events.Select(Posting).ToList();
        var posted = await ledger.PostAsync(postings, cancellationToken);
        var now = time.GetUtcNow();
        BourseTelemetry.SettledEvents.Add(posted);
        foreach (var usage in events)
        {
            BourseTelemetry.SettlementLag.Record((now - usage.OccurredAt).TotalMilliseconds, new KeyValuePair<string, object?>("rail", usage.Rail));
        }

        if (posted < events.Count)
        {
            Log.Duplicate(logger, events.Count - posted, events.Count);
        }
    }

    /// <summary>The posting under the terms the event was charged under, and the protocol fee in force when it happened.</summary>
    public SettlementPosting Posting(UsageEvent usage) => SettlementPosting.For(usage, _schedule.BpsAt(usage.OccurredAt));

    /// <summary>A message holds one usage event (an object) or many (an array, as rail 1 sends them); each is checked on its own.</summary>
    private static (List<UsageEvent> Events, List<(string Reason, string Json)> Malformed) Parse(string message)
    {
        var events = new List<UsageEvent>();
        var malformed = new List<(string, string)>();
        if (message.AsSpan().TrimStart() is ['[', ..] && WholeArray(message) is { } all)
        {
            return (all, malformed); // the usual message: an array of valid events, read in one pass
        }

        try
        {
            using var document = JsonDocument.Parse(message);
            IEnumerable<JsonElement> items = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement.EnumerateArray()
                : [document.RootElement];
            foreach (var item in items)
            {
                var (usage, reason) = Check(item);
                if (usage is not null)
                {
                    events.Add(usage);
                }
                else
                {
                    malformed.Add((reason!, item.GetRawText()));
                }
            }
        }
        catch (JsonException e)
        {
            malformed.Add(("not JSON: " + e.Message, message));
        }

        return (events, malformed);
    }

    /// <summary>Every entry of the array as a usage event, or null when any is not one (then each is checked on its own).</summary>
    private static List<UsageEvent>? WholeArray(string message)
    {
        try
        {
            var all = JsonSerializer.Deserialize(message, BourseJsonContext.Default.ListUsageEvent);
            return all is not null && all.TrueForAll(u => Reason(u).Length == 0) ? all : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (UsageEvent? Usage, string? Reason) Check(JsonElement item)
    {
        string reason;
        try
        {
            var usage = item.Deserialize(BourseJsonContext.Default.UsageEvent);
            reason = Reason(usage);
            if (reason.Length == 0)
            {
                return (usage, null);
            }
        }
        catch (JsonException e)
        {
            reason = "not a usage event: " + e.Message;
        }

        return (null, reason);
    }

    /// <summary>Why <paramref name="usage"/> is not a usage event settlement can post; empty when it is.</summary>
    private static string Reason(UsageEvent? usage) => usage switch
    {
        null => "empty",
        { EventId: null or "" } => "no eventId",
        { EventId.Length: > MaxEventIdLength } => "eventId longer than " + MaxEventIdLength + " characters",
        { Model: null or "" } => "no model",
        { Offer: null or "" } => "no offer",
        { CostMicroUsdc: < 0 } => "negative cost",
        { Rail: UsageEvent.CreditsRail, AccountId: null or "" } => "a credits event without an account",
        { Rail: UsageEvent.X402Rail, AmountPaidMicroUsdc: null or < 0 } => "an x402 event without the amount paid",
        { Rail: not (UsageEvent.CreditsRail or UsageEvent.X402Rail) } => "unknown rail",
        _ => string.Empty,
    };

    private static partial class Log
    {
        [LoggerMessage(3000, LogLevel.Error, "Settlement: malformed usage event moved to the poison queue ({Reason})")]
        public static partial void Malformed(ILogger logger, string reason);

        [LoggerMessage(3001, LogLevel.Information, "Settlement: {Duplicates} of {Count} events were posted before; nothing to do for them")]
        public static partial void Duplicate(ILogger logger, int duplicates, int count);
    }
}
