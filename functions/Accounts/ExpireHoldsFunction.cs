using Bourse.Accounts;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Accounts;

/// <summary>Releases holds orphaned by a crash once they pass their expiry.</summary>
public sealed class ExpireHoldsFunction(CreditHolds holds)
{
    [Function("ExpireHolds")]
    public Task Run([TimerTrigger("%HOLD_EXPIRY_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        holds.ExpireAsync(cancellationToken);
}
