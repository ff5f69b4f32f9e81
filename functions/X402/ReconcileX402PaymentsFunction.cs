using Bourse.Payments.X402;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.X402;

/// <summary>Resolves payments left in <c>settlement_pending</c> by their signature's status on chain; never settles again.</summary>
public sealed class ReconcileX402PaymentsFunction(SettlementReconciler reconciler)
{
    [Function("ReconcileX402Payments")]
    public Task Run([TimerTrigger("15 * * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciler.ReconcilePendingAsync(cancellationToken);
}
