using System.Collections.Concurrent;

namespace Bourse.Accounts;

/// <summary>
/// Per-key requests per minute, in fixed one-minute windows counted in memory by each instance: with
/// N instances a key can get up to N × its limit in a minute. (Spend caps, which guard money, are
/// exact: they are enforced in the credit ledger's transactions.)
/// </summary>
public sealed class KeyRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();

    /// <summary>Null when the request may go; otherwise how long until the window resets.</summary>
    public TimeSpan? TryAcquire(ApiKeyPrincipal key)
    {
        if (key.RequestsPerMinute is not { } limit)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var window = _windows.AddOrUpdate(key.KeyId, _ => new Window(minute, 1), (_, w) => w.Start == minute ? w with { Count = w.Count + 1 } : new Window(minute, 1));
        return window.Count <= limit ? null : minute.AddMinutes(1) - now;
    }

    private sealed record Window(DateTimeOffset Start, int Count);
}
