using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Bourse.LocalHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bourse.LocalHost.Queues;

/// <summary>
/// Pumps one queue into its function the way the Functions host does: batches of
/// <c>batchSize</c>, the next one fetched as soon as no more than <c>newBatchThreshold</c> messages are
/// still running (so a slow message does not hold the queue up), delete on success, visible again after <c>visibilityTimeout</c> on failure,
/// and after <c>maxDequeueCount</c> failed tries the message moves to <c>&lt;queue&gt;-poison</c>.
/// A message that is not valid base64 goes to the poison queue untried.
/// </summary>
public sealed partial class QueueFunctionListener : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    private readonly FunctionDescriptor _function;
    private readonly FunctionInvoker _invoker;
    private readonly HostSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly QueueClient _rawPoison;

    public QueueFunctionListener(
        FunctionDescriptor function,
        FunctionInvoker invoker,
        HostSettings settings,
        IConfiguration configuration,
        TimeProvider time,
        ILogger<QueueFunctionListener> logger)
    {
        var trigger = (QueueTrigger)function.Trigger;
        _function = function;
        _invoker = invoker;
        _settings = settings;
        _time = time;
        _logger = logger;
        QueueName = SettingNames.Resolve(trigger.QueueName, configuration);
        var connection = configuration[trigger.Connection]
            ?? throw new InvalidOperationException($"Connection '{trigger.Connection}' of function '{function.Name}' is not set.");
        var encoding = settings.QueueMessagesAreBase64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None;
        var options = new QueueClientOptions { MessageEncoding = encoding };
        options.MessageDecodingFailed += PoisonUndecodableAsync;
        _queue = new QueueClient(connection, QueueName, options);
        _poison = new QueueClient(connection, QueueName + "-poison", new QueueClientOptions { MessageEncoding = encoding });
        _rawPoison = new QueueClient(connection, QueueName + "-poison");
    }

    public string QueueName { get; }

    public string FunctionName => _function.Name;

    /// <summary>Runs the function once on a message given directly (the admin "run now" API).</summary>
    public Task RunNowAsync(string body, CancellationToken cancellationToken)
    {
        var message = QueuesModelFactory.QueueMessage(
            Guid.NewGuid().ToString(), string.Empty, BinaryData.FromString(body), dequeueCount: 1, insertedOn: _time.GetUtcNow());
        return _invoker.InvokeAsync(_function, Invocation(message, cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
        Log.Listening(_logger, _function.Name, QueueName);
        var idle = MinPollingInterval;
        var running = 0;
        var finished = new SemaphoreSlim(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            while (Volatile.Read(ref running) > _settings.QueueNewBatchThreshold)
            {
                await finished.WaitAsync(stoppingToken);
            }

            QueueMessage[] messages;
            try
            {
                messages = (await _queue.ReceiveMessagesAsync(_settings.QueueBatchSize, _settings.FunctionTimeout, stoppingToken)).Value;
            }
            catch (RequestFailedException e)
            {
                Log.ReceiveFailed(_logger, QueueName, e.Status, e.ErrorCode);
                messages = [];
            }

            if (messages.Length == 0)
            {
                await Task.Delay(idle, _time, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, _settings.QueueMaxPollingInterval.Ticks));
                continue;
            }

            idle = MinPollingInterval;
            Interlocked.Add(ref running, messages.Length);
            foreach (var message in messages)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await ProcessAsync(message, stoppingToken);
                    }
                    catch (Exception e) when (e is OperationCanceledException or RequestFailedException)
                    {
                        // Stopping, or the delete/poison call failed: the message becomes visible again and is retried.
                    }
                    finally
                    {
                        Interlocked.Decrement(ref running);
                        finished.Release();
                    }
                }, CancellationToken.None);
            }
        }

        while (Volatile.Read(ref running) > 0)
        {
            await finished.WaitAsync(CancellationToken.None);
        }
    }

    private async ValueTask ProcessAsync(QueueMessage message, CancellationToken stoppingToken)
    {
        if (message.DequeueCount > _settings.QueueMaxDequeueCount)
        {
            await PoisonAsync(message, stoppingToken);
            return;
        }

        try
        {
            await _invoker.InvokeAsync(_function, Invocation(message, stoppingToken));
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.Failed(_logger, _function.Name, message.MessageId, message.DequeueCount, e);
            if (message.DequeueCount >= _settings.QueueMaxDequeueCount)
            {
                await PoisonAsync(message, stoppingToken);
            }
            else
            {
                await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _settings.QueueVisibilityTimeout, cancellationToken: stoppingToken);
            }

            return;
        }

        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken);
        Log.Executed(_logger, _function.Name, message.MessageId, message.DequeueCount);
    }

    private async Task PoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        Log.Poisoned(_logger, message.MessageId, QueueName, message.DequeueCount);
    }

    private async Task PoisonUndecodableAsync(QueueMessageDecodingFailedEventArgs args)
    {
        if (args.ReceivedMessage is not { } message)
        {
            return;
        }

        await _rawPoison.CreateIfNotExistsAsync(cancellationToken: args.CancellationToken);
        await _rawPoison.SendMessageAsync(message.Body.ToString(), args.CancellationToken);
        await args.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, args.CancellationToken);
        Log.Undecodable(_logger, message.MessageId, QueueName);
    }

    private static LocalInvocation Invocation(QueueMessage message, CancellationToken cancellationToken) => new(
        message,
        new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Id"] = message.MessageId,
            ["DequeueCount"] = message.DequeueCount,
            ["InsertionTime"] = message.InsertedOn,
            ["ExpirationTime"] = message.ExpiresOn,
            ["NextVisibleTime"] = message.NextVisibleOn,
            ["PopReceipt"] = message.PopReceipt,
        },
        HttpContext: null,
        cancellationToken);

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Information, "'{Function}' listens on queue '{Queue}'")]
        public static partial void Listening(ILogger logger, string function, string queue);

        [LoggerMessage(201, LogLevel.Information, "Executed '{Function}' on message {MessageId} (try {DequeueCount})")]
        public static partial void Executed(ILogger logger, string function, string messageId, long dequeueCount);

        [LoggerMessage(202, LogLevel.Warning, "'{Function}' failed on message {MessageId} (try {DequeueCount})")]
        public static partial void Failed(ILogger logger, string function, string messageId, long dequeueCount, Exception exception);

        [LoggerMessage(203, LogLevel.Warning, "Message {MessageId} moved to '{Queue}-poison' after {DequeueCount} tries")]
        public static partial void Poisoned(ILogger logger, string messageId, string queue, long dequeueCount);

        [LoggerMessage(204, LogLevel.Warning, "Message {MessageId} on '{Queue}' is not valid base64: moved to the poison queue untried")]
        public static partial void Undecodable(ILogger logger, string messageId, string queue);

        [LoggerMessage(205, LogLevel.Warning, "Receiving from '{Queue}' failed: {Status} {ErrorCode}")]
        public static partial void ReceiveFailed(ILogger logger, string queue, int status, string? errorCode);
    }
}
