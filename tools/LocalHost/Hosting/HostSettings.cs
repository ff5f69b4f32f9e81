using System.Text.Json.Nodes;

namespace Bourse.LocalHost.Hosting;

/// <summary>The parts of <c>host.json</c> the Functions host honours and so the local host does too.</summary>
public sealed record HostSettings
{
    public string RoutePrefix { get; init; } = "api";
    public int QueueBatchSize { get; init; } = 16;
    /// <summary>Fetch the next batch once no more than this many messages are still running (host.json <c>newBatchThreshold</c>; default: half a batch).</summary>
    public int QueueNewBatchThreshold { get; init; } = 8;
    public int QueueMaxDequeueCount { get; init; } = 5;
    public TimeSpan QueueVisibilityTimeout { get; init; } = TimeSpan.Zero;
    public TimeSpan QueueMaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);
    public bool QueueMessagesAreBase64 { get; init; } = true;
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The URL path of an HTTP function's route, under the route prefix (which may be empty).</summary>
    public string PathOf(string route) => "/" + string.Join('/', new[] { RoutePrefix, route }.Where(s => s.Length > 0));

    public static HostSettings Load(string path)
    {
        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })
            ?? throw new InvalidOperationException($"{path} is empty.");
        var defaults = new HostSettings();
        var http = root["extensions"]?["http"];
        var queues = root["extensions"]?["queues"];
        return new HostSettings
        {
            RoutePrefix = ((string?)http?["routePrefix"] ?? defaults.RoutePrefix).Trim('/'),
            QueueBatchSize = Math.Clamp((int?)queues?["batchSize"] ?? defaults.QueueBatchSize, 1, 32),
            QueueNewBatchThreshold = Math.Max(0, (int?)queues?["newBatchThreshold"] ?? (Math.Clamp((int?)queues?["batchSize"] ?? defaults.QueueBatchSize, 1, 32) / 2)),
            QueueMaxDequeueCount = (int?)queues?["maxDequeueCount"] ?? defaults.QueueMaxDequeueCount,
            QueueVisibilityTimeout = Time(queues?["visibilityTimeout"], defaults.QueueVisibilityTimeout),
            QueueMaxPollingInterval = Time(queues?["maxPollingInterval"], defaults.QueueMaxPollingInterval),
            QueueMessagesAreBase64 = !string.Equals((string?)queues?["messageEncoding"], "none", StringComparison.OrdinalIgnoreCase),
            FunctionTimeout = Time(root["functionTimeout"], defaults.FunctionTimeout),
        };
    }

    private static TimeSpan Time(JsonNode? node, TimeSpan fallback) =>
        node is null ? fallback : TimeSpan.Parse((string)node!, System.Globalization.CultureInfo.InvariantCulture);
}
