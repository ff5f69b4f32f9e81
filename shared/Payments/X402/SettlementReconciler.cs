using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;

namespace Bourse.Payments.X402;

/// <summary>
/// Resolves <c>settlement_pending</c> payments from the chain, by the signature's status: confirmed →
/// settled; failed, rejected or expired (block height past the recorded bound, still unseen) → failed.
/// It never calls /settle again. A pending payment without a signature (the settle call itself timed
/// out) cannot be looked up by signature and stays pending for an operator.
/// </summary>
public sealed partial class SettlementReconciler(PaymentLedger ledger, TransactionSender sender, SolanaRpcClient rpc, ILogger<SettlementReconciler> logger)
{
    /// <summary>Blockhashes live 150 blocks; a transaction built before now cannot land after now + 151.</summary>
    public const ulong MaxBlockhashAge = 151;

    /// <summary>An upper bound on the block height at which a transaction signed before now can still land.</summary>
    public async Task<ulong?> ExpiryBoundAsync(CancellationToken cancellationToken = default)
    {
        var height = await rpc.GetBlockHeightAsync(cancellationToken);
        return height.IsSuccess ? height.Value + MaxBlockhashAge : null;
    }

    public async Task<PaymentRecord> ReconcileAsync(PaymentRecord record, CancellationToken cancellationToken = default)
    {
        if (record.State != PaymentState.SettlementPending)
        {
            return record;
        }

        if (record.Signature is not { Length: > 0 } signature)
        {
            Log.NoSignature(logger, record.Id);
            return record;
        }

        var outcome = await sender.CheckAsync(signature, record.ExpiresAtBlockHeight ?? ulong.MaxValue, cancellationToken);
        var (state, reason) = outcome.Status switch
        {
            SendStatus.Confirmed => (PaymentState.Settled, (string?)null),
            SendStatus.Failed => (PaymentState.Failed, "transaction_failed"),
            SendStatus.Rejected => (PaymentState.Failed, "transaction_rejected"),
            SendStatus.Expired => (PaymentState.Failed, "transaction_expired"),
            _ => (PaymentState.SettlementPending, null),
        };
        if (state == PaymentState.SettlementPending)
        {
            return record;
        }

        var updated = await ledger.TransitionAsync(record, state, reason: reason, cancellationToken: cancellationToken);
        Log.Reconciled(logger, record.Id, signature, state);
        return updated ?? await ledger.GetAsync(record.Id, cancellationToken) ?? record;
    }

    /// <summary>Reconciles every pending payment once; returns how many reached a final state.</summary>
    public async Task<int> ReconcilePendingAsync(CancellationToken cancellationToken = default)
    {
        var resolved = 0;
        await foreach (var record in ledger.ListPendingAsync(cancellationToken))
        {
            if ((await ReconcileAsync(record, cancellationToken)).State != PaymentState.SettlementPending)
            {
                resolved++;
            }
        }

        return resolved;
    }

    private static partial class Log
    {
        [LoggerMessage(2030, LogLevel.Information, "Payment {PaymentId} ({Signature}) reconciled as {State}")]
        public static partial void Reconciled(ILogger logger, string paymentId, string signature, PaymentState state);

        [LoggerMessage(2031, LogLevel.Warning, "Payment {PaymentId} is pending without a signature: the chain cannot be asked; needs review")]
        public static partial void NoSignature(ILogger logger, string paymentId);
    }
}
