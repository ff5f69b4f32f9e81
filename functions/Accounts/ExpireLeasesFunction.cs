using Bourse.Accounts;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>
/// Releases the leases of router instances that stopped syncing them (a crash): the charges their billing
/// journal holds beyond what was posted are posted (their usage events sent) and the rest of their amount
/// goes back to the balance. Every 10 s, so a dead instance's
/// lease is back within its lifetime plus 10 s.
/// </summary>
public sealed class ExpireLeasesFunction(CreditJanitor janitor)
{
    [Function("ExpireLeases")]
    public Task Run([TimerTrigger("*/10 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        janitor.ExpireLeasesAsync(cancellationToken);
}
