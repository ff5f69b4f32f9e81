using System.Security.Cryptography;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;

namespace Bourse.Payments.X402;

/// <summary>
/// Resolves <c>settlement_pending</c> payments from the chain, by the signature's status: confirmed →
/// settled; failed, rejected or expired (block height past the recorded bound, still unseen) → failed.
/// It never calls /settle again. Without a signature (the settle call timed out, or the process died
/// during it: <c>settling</c> for longer than <see cref="InterruptedAfter"/>), the payment is looked
/// for among the recent transactions of the account it pays into, by its id (the SHA-256 of the message
/// bytes, which the fee payer's co-signature does not change).
/// </summary>
public sealed partial class SettlementReconciler(PaymentLedger ledger, TransactionSender sender, SolanaRpcClient rpc, TimeProvider time, ILogger<SettlementReconciler> logger)
{
    /// <summary>Blockhashes live 150 blocks; a transaction built before now cannot land after now + 151.</summary>
    public const ulong MaxBlockhashAge = 151;

    /// <summary>Longer than any /settle call can take: a payment still <c>settling</c> after this was interrupted.</summary>
    public static readonly TimeSpan InterruptedAfter = PaymentLedger.InterruptedAfter;

    /// <summary>How often a payment still undecided on chain is looked at again.</summary>
    private static readonly TimeSpan RecheckEvery = TimeSpan.FromMinutes(1);

    /// <summary>How many of the destination's recent transactions are searched for a payment without a signature.</summary>
    private const int SearchDepth = 1_000;

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

        var signature = record.Signature;
        if (signature is not { Length: > 0 })
        {
            signature = await FindLandedAsync(record, cancellationToken);
            if (signature is null)
            {
                // Never landed so far: it fails once its blockhash can no longer be valid.
                var height = await rpc.GetBlockHeightAsync(cancellationToken);
                if (!height.IsSuccess || height.Value <= (record.ExpiresAtBlockHeight ?? ulong.MaxValue))
                {
                    return record;
                }

                var expired = await ledger.TransitionAsync(record, PaymentState.Failed, reason: "transaction_expired", cancellationToken: cancellationToken);
                Log.Reconciled(logger, record.Id, "-", PaymentState.Failed);
                return expired ?? await ledger.GetAsync(record.Id, cancellationToken) ?? record;
            }
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

        var updated = await ledger.TransitionAsync(record, state, signature, reason: reason, cancellationToken: cancellationToken);
        Log.Reconciled(logger, record.Id, signature, state);
        return updated ?? await ledger.GetAsync(record.Id, cancellationToken) ?? record;
    }

    /// <summary>
    /// Reconciles every pending payment that is due (interrupted settles first become pending), read from the due
    /// index, not by scanning the payments; returns how many reached a final state.
    /// </summary>
    public async Task<int> ReconcilePendingAsync(CancellationToken cancellationToken = default)
    {
        await RecoverInterruptedAsync(cancellationToken);
        var resolved = 0;
        await ledger.DrainDueAsync(PaymentLedger.PendingDueKind, async (record, ct) =>
        {
            if (record.State != PaymentState.SettlementPending)
            {
                return null;
            }

            var reconciled = await ReconcileAsync(record, ct);
            if (reconciled.State == PaymentState.SettlementPending)
            {
                return time.GetUtcNow() + RecheckEvery;
            }

            resolved++;
            return null;
        }, cancellationToken);
        return resolved;
    }

    /// <summary>Makes payments interrupted while settling pending (outcome unknown), to be looked for on chain; returns how many.</summary>
    public async Task<int> RecoverInterruptedAsync(CancellationToken cancellationToken = default)
    {
        var recovered = 0;
        await ledger.DrainDueAsync(PaymentLedger.SettlingDueKind, async (record, ct) =>
        {
            if (record.State != PaymentState.Settling)
            {
                return null;
            }

            var interruptedAt = record.UpdatedAt + InterruptedAfter;
            if (interruptedAt > time.GetUtcNow())
            {
                return interruptedAt; // moved on since it was indexed (settled again): due later
            }

            // Signed before now, so it cannot land after the bound taken now.
            var bound = await ExpiryBoundAsync(ct);
            if (await ledger.TransitionAsync(record, PaymentState.SettlementPending, reason: "settle_interrupted", expiresAtBlockHeight: bound, cancellationToken: ct) is not null)
            {
                Log.Interrupted(logger, record.Id);
                recovered++;
            }

            return null;
        }, cancellationToken);
        return recovered;
    }

    /// <summary>The signature of the landed transaction whose message hashes to the payment's id, searched newest first.</summary>
    private async Task<string?> FindLandedAsync(PaymentRecord record, CancellationToken cancellationToken)
    {
        if (!PublicKey.TryParse(record.PayTo, out var owner) || !PublicKey.TryParse(record.Asset, out var mint))
        {
            return null;
        }

        var destination = PublicKey.FindAssociatedTokenAddress(owner, mint, ProgramIds.Token).ToString();
        var notBefore = record.CreatedAt.ToUnixTimeSeconds() - 120; // block times are approximate
        string? before = null;
        for (var searched = 0; searched < SearchDepth;)
        {
            var page = await rpc.GetSignaturesForAddressAsync(destination, limit: 100, before: before, cancellationToken: cancellationToken);
            if (!page.IsSuccess || page.Value!.Length == 0)
            {
                return null;
            }

            foreach (var entry in page.Value)
            {
                if (entry.BlockTime is { } at && at < notBefore)
                {
                    return null;
                }

                var landed = await rpc.GetTransactionAsync(entry.Signature, "base64", cancellationToken);
                if (landed.IsSuccess && landed.Value?.RawTransaction is { } raw
                    && Convert.ToHexStringLower(SHA256.HashData(Transaction.Deserialize(raw).MessageBytes)) == record.Id)
                {
                    return entry.Signature;
                }
            }

            searched += page.Value.Length;
            before = page.Value[^1].Signature;
        }

        return null;
    }

    private static partial class Log
    {
        [LoggerMessage(2032, LogLevel.Warning, "Payment {PaymentId} was interrupted while settling; reconciling it from the chain")]
        public static partial void Interrupted(ILogger logger, string paymentId);

        [LoggerMessage(2030, LogLevel.Information, "Payment {PaymentId} ({Signature}) reconciled as {State}")]
        public static partial void Reconciled(ILogger logger, string paymentId, string signature, PaymentState state);

    }
}
