using Bourse.Accounts;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>Releases exact holds orphaned by a crash once they pass their expiry (read from the expiry index, not the table).</summary>
public sealed class ExpireHoldsFunction(CreditJanitor janitor)
{
    [Function("ExpireHolds")]
    public Task Run([TimerTrigger("%HOLD_EXPIRY_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        janitor.ExpireHoldsAsync(cancellationToken);
}
