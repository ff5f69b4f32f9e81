using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Bourse.Tests.LocalHost;

/// <summary>What the sample functions saw, for the tests to assert on; and a gate for the SSE test.</summary>
public sealed class SampleJournal
{
    public Channel<(string Body, long DequeueCount)> Deliveries { get; } = Channel.CreateUnbounded<(string, long)>();

    public ConcurrentQueue<long> Attempts { get; } = new();

    public Channel<(string Function, bool IsPastDue)> TimerFirings { get; } = Channel.CreateUnbounded<(string, bool)>();

    public SemaphoreSlim StreamGate { get; } = new(0);
}
