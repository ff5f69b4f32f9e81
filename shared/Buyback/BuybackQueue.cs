using System.Text.Json;
using Azure.Storage.Queues;
using Bourse.Storage;

namespace Bourse.Buyback;

/// <summary>Puts jobs on the <c>buyback</c> queue (base64 JSON, as the Functions host reads it), now or after a delay.</summary>
public sealed class BuybackQueue(QueueServiceClient queues, string name = QueueNames.Buyback)
{
    private readonly QueueClient _queue = queues.GetQueueClient(name);
    private volatile bool _created;

    public async Task EnqueueAsync(BuybackMessage message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            _created = true;
        }

        await _queue.SendMessageAsync(
            new BinaryData(JsonSerializer.SerializeToUtf8Bytes(message, BuybackJsonContext.Default.BuybackMessage)),
            visibilityTimeout: delay is { } d && d > TimeSpan.Zero ? d : null,
            cancellationToken: cancellationToken);
    }

    public async Task PoisonAsync(string message, CancellationToken cancellationToken)
    {
        var poison = queues.GetQueueClient(name + "-poison");
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await poison.SendMessageAsync(message, cancellationToken);
    }

    /// <summary>The message, or null when it is not one (it goes to the poison queue untried).</summary>
    public static BuybackMessage? Parse(string message)
    {
        try
        {
            return JsonSerializer.Deserialize(message, BuybackJsonContext.Default.BuybackMessage) is { Model.Length: > 0, JobId.Length: > 0 } parsed ? parsed : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
