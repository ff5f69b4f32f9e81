using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SimpleBase;

namespace Bourse.Solana.Rpc;

/// <summary>
/// Sends a signed transaction and follows it to an end: confirmed, failed, rejected or expired by
/// block height. It never re-sends blindly: before every (re)send it asks for the signature's
/// status, so a transaction that landed in an earlier attempt, or before a crash, is not sent again.
/// </summary>
public sealed partial class TransactionSender(SolanaRpcClient rpc, IOptions<SolanaRpcOptions> options, TimeProvider time, ILogger<TransactionSender> logger)
{
    public async Task<SendOutcome> SendAndConfirmAsync(ReadOnlyMemory<byte> signedTransaction, ulong lastValidBlockHeight, CancellationToken cancellationToken = default)
    {
        var signature = FirstSignature(signedTransaction.Span);
        while (true)
        {
            var check = await CheckAsync(signature, lastValidBlockHeight, cancellationToken);
            if (check.Status != SendStatus.Pending)
            {
                return check;
            }

            var sent = await rpc.SendTransactionAsync(signedTransaction, cancellationToken: cancellationToken);
            switch (sent.Error?.Kind)
            {
                case null or RpcErrorKind.AlreadyProcessed or RpcErrorKind.Unavailable or RpcErrorKind.RateLimited:
                    break; // landed, landing, or unknown: the status decides
                case RpcErrorKind.BlockhashNotFound:
                    Log.Expired(logger, signature);
                    return new SendOutcome(SendStatus.Expired, signature);
                case RpcErrorKind.PreflightFailed:
                    Log.PreflightFailed(logger, signature);
                    return new SendOutcome(SendStatus.Failed, signature, Error: sent.Error.TransactionError, Logs: sent.Error.Logs);
                default:
                    Log.Rejected(logger, signature, sent.Error.Code);
                    return new SendOutcome(SendStatus.Rejected, signature, Error: sent.Error.TransactionError, Logs: sent.Error.Logs);
            }

            var resendAt = time.GetUtcNow() + options.Value.ConfirmationPollInterval * 5;
            while (time.GetUtcNow() < resendAt)
            {
                await Task.Delay(options.Value.ConfirmationPollInterval, time, cancellationToken);
                check = await CheckAsync(signature, lastValidBlockHeight, cancellationToken);
                if (check.Status != SendStatus.Pending)
                {
                    return check;
                }
            }
        }
    }

    /// <summary>
    /// Where a sent transaction stands, without sending anything: for persisted on-chain steps that
    /// resume after a crash. Expired only once the chain's block height has passed
    /// <paramref name="lastValidBlockHeight"/> and the signature is still unknown.
    /// </summary>
    public async Task<SendOutcome> CheckAsync(string signature, ulong lastValidBlockHeight, CancellationToken cancellationToken = default)
    {
        // Read the height first: if the signature is unknown after the height passed, it can never land.
        var height = await rpc.GetBlockHeightAsync(cancellationToken);
        var statuses = await rpc.GetSignatureStatusesAsync([signature], searchTransactionHistory: true, cancellationToken);
        if (statuses.IsSuccess && statuses.Value!.Value[0] is { } status)
        {
            if (status.Failed)
            {
                return new SendOutcome(SendStatus.Failed, signature, status.Slot, status.Err);
            }

            if (status.IsAtLeast(rpc.Commitment))
            {
                return new SendOutcome(SendStatus.Confirmed, signature, status.Slot);
            }

            return new SendOutcome(SendStatus.Pending, signature, status.Slot);
        }

        return statuses.IsSuccess && height.IsSuccess && height.Value > lastValidBlockHeight
            ? new SendOutcome(SendStatus.Expired, signature)
            : new SendOutcome(SendStatus.Pending, signature);
    }

    /// <summary>The transaction id: base58 of the fee payer's signature, the first after the compact-u16 count.</summary>
    public static string FirstSignature(ReadOnlySpan<byte> transaction)
    {
        var count = ShortVec.Read(transaction, out var offset);
        return count < 1 || transaction.Length < offset + Transaction.SignatureLength
            ? throw new ArgumentException("Not a signed transaction.", nameof(transaction))
            : Base58.Bitcoin.Encode(transaction.Slice(offset, Transaction.SignatureLength));
    }

    private static partial class Log
    {
        [LoggerMessage(1010, LogLevel.Warning, "Transaction {Signature} failed preflight")]
        public static partial void PreflightFailed(ILogger logger, string signature);

        [LoggerMessage(1011, LogLevel.Warning, "Transaction {Signature} was rejected by the node (code {Code})")]
        public static partial void Rejected(ILogger logger, string signature, int code);

        [LoggerMessage(1012, LogLevel.Information, "Transaction {Signature} expired before landing")]
        public static partial void Expired(ILogger logger, string signature);
    }
}
