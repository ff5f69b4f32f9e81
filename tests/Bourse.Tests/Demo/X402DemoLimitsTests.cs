using Azure.Data.Tables;
using Bourse.Demo;
using Bourse.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Demo;

/// <summary>The live demo's limits: calls per client address per window, and calls per UTC day on the stack's storage.</summary>
public sealed class X402DemoLimitsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(Random.Shared.Next(0, 3000)));

    private X402DemoLimits Limits(int perClient = 3, int perDay = 200) => new(
        new TableServiceClient(LocalStack.Instance.Storage),
        Options.Create(new X402DemoOptions { CallsPerClient = perClient, ClientWindow = TimeSpan.FromMinutes(10), CallsPerDay = perDay }),
        _time);

    [Fact]
    public void TakeClientCall_AllowsTheWindowsCalls_ThenSaysHowLongToWait_AndAllowsAgainAfterIt()
    {
        var limits = Limits(perClient: 3);

        Assert.Null(limits.TakeClientCall("203.0.113.7"));
        Assert.Null(limits.TakeClientCall("203.0.113.7"));
        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.Null(limits.TakeClientCall("203.0.113.7"));
        Assert.Equal(TimeSpan.FromMinutes(6), limits.TakeClientCall("203.0.113.7"));
        Assert.Null(limits.TakeClientCall("198.51.100.1")); // another address has its own allowance

        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(limits.TakeClientCall("203.0.113.7"));
    }

    [Fact]
    public async Task TakeDailyCall_ConcurrentCallsAcrossInstances_CountExactlyTheCap_AndTheNextDayStartsAfresh()
    {
        // Two instances (two limiters) share the durable counter.
        var first = Limits(perDay: 5);
        var second = Limits(perDay: 5);

        var taken = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => (i % 2 == 0 ? first : second).TakeDailyCallAsync(CancellationToken.None)));

        Assert.Equal(5, taken.Count(t => t));
        Assert.False(await first.TakeDailyCallAsync(CancellationToken.None));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.True(await second.TakeDailyCallAsync(CancellationToken.None));
    }
}
