using Bourse.Deposits;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Deposits;

/// <summary>Credits Solana Pay deposits that were paid (see <see cref="DepositWatcher"/>).</summary>
public sealed class WatchDepositsFunction(DepositWatcher watcher)
{
    [Function("WatchDeposits")]
    public Task Run([TimerTrigger("%DEPOSIT_WATCH_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        watcher.RunAsync(cancellationToken);
}
