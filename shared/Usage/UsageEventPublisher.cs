using System.Text.Json;
using Azure.Storage.Queues;
using Bourse.Json;
using Bourse.Storage;

namespace Bourse.Usage;

/// <summary>
/// Sends usage events to the <c>settlement</c> queue (base64 JSON, as the Functions host reads it): one
/// event as an object, or many as a JSON array per message (up to <see cref="MaxMessageBytes"/> of
/// JSON, so a message stays under the queue's 64 KiB once base64-encoded).
/// </summary>
public sealed class UsageEventPublisher(QueueServiceClient queues)
{
    public const int MaxMessageBytes = 45_000;

    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.Settlement);
    private volatile bool _created;

    public async Task PublishAsync(UsageEvent usage, CancellationToken cancellationToken)
    {
        await EnsureQueueAsync(cancellationToken);
        await _queue.SendMessageAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(usage, BourseJsonContext.Default.UsageEvent)), cancellationToken: cancellationToken);
    }

    /// <summary>Sends <paramref name="events"/> in as few messages as fit; returns how many messages were sent.</summary>
    public async Task<int> PublishManyAsync(IReadOnlyList<UsageEvent> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return 0;
        }

        await EnsureQueueAsync(cancellationToken);
        var messages = 0;
        foreach (var message in Messages(events))
        {
            await _queue.SendMessageAsync(new BinaryData(message), cancellationToken: cancellationToken);
            messages++;
        }

        return messages;
    }

    /// <summary>The events as JSON arrays of at most <see cref="MaxMessageBytes"/> each.</summary>
    public static IEnumerable<byte[]> Messages(IReadOnlyList<UsageEvent> events)
    {
        var buffer = new MemoryStream();
        foreach (var usage in events)
        {
            var one = JsonSerializer.SerializeToUtf8Bytes(usage, BourseJsonContext.Default.UsageEvent);
            if (buffer.Length > 0 && buffer.Length + one.Length + 2 > MaxMessageBytes)
            {
                buffer.WriteByte((byte)']');
                yield return buffer.ToArray();
                buffer.SetLength(0);
            }

            buffer.WriteByte(buffer.Length == 0 ? (byte)'[' : (byte)',');
            buffer.Write(one);
        }

        if (buffer.Length > 0)
        {
            buffer.WriteByte((byte)']');
            yield return buffer.ToArray();
        }
    }

    private async Task EnsureQueueAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }
    }
}
