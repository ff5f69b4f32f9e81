using System.Collections.Concurrent;

namespace Bourse.Accounts;

/// <summary>
/// Billing that runs after a call's last byte without the call waiting for it (exact-hold posts): tracked
/// so that a graceful stop waits for it.
/// </summary>
public sealed class PendingBilling
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    public void Run(Func<Task> work)
    {
        var task = Task.Run(work);
        _running[task] = 0;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Each task logged its own failure.
        }
    }
}
