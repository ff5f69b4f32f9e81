using System.ComponentModel.DataAnnotations;

namespace Bourse.Routing;

/// <summary>Routing behaviour (section <c>Routing</c>); every value has a working default.</summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>How long an offer may take to send its response headers (and, when streaming, its first event).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest silence tolerated mid-stream before the call is ended as failed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Failures (share of calls) in <see cref="BreakerSamplingDuration"/> that open an offer's circuit.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; init; } = 0.5;

    [Range(2, 1000)]
    public int BreakerMinimumThroughput { get; init; } = 3;

    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a broken offer cools down before one trial call.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "01:00:00")]
    public TimeSpan BreakerDuration { get; init; } = TimeSpan.FromSeconds(30);
}
