using System.Text.Json;
using Azure.Storage.Queues;
using Bourse.Json;
using Bourse.Storage;

namespace Bourse.Usage;

/// <summary>Sends usage events to the <c>settlement</c> queue (base64 JSON, as the Functions host reads it).</summary>
public sealed class UsageEventPublisher(QueueServiceClient queues)
{
    private readonly QueueClient _queue = queues.GetQueueClient(QueueNames.Settlement);
    private volatile bool _created;

    public async Task PublishAsync(UsageEvent usage, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        await _queue.SendMessageAsync(new BinaryData(JsonSerializer.SerializeToUtf8Bytes(usage, BourseJsonContext.Default.UsageEvent)), cancellationToken: cancellationToken);
    }
}
