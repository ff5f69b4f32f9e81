using Bourse.Accounts;
using Bourse.Solana;
using Bourse.Solana.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Deposits;

/// <summary>
/// Watches open deposits: finds the transactions that carry a deposit's reference
/// (<c>getSignaturesForAddress</c>), validates each (<see cref="TransferCheck"/>) and credits what arrived to
/// the account, once. The credit is the credit account's deposit with id <c>solpay|&lt;signature&gt;</c>
/// (insert-if-absent), after the signature is claimed for this deposit: however many watchers run at
/// once, and however often a run is retried or crashes half-way, a transaction is credited once.
/// </summary>
public sealed partial class DepositWatcher(
    SolanaPayDeposits deposits, CreditAccounts credits, SolanaRpcClient rpc, IOptions<DepositOptions> options, TimeProvider time, ILogger<DepositWatcher> logger)
{
    public const string CreditIdPrefix = "solpay|";
    private const int MaxPages = 10;

    /// <summary>Looks at every open deposit once; returns how many payments it credited in this run.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var open = await deposits.OpenAsync(cancellationToken);
        var credited = 0;
        await Parallel.ForEachAsync(open, new ParallelOptions { MaxDegreeOfParallelism = options.Value.WatchParallelism, CancellationToken = cancellationToken }, async (deposit, ct) =>
        {
            Interlocked.Add(ref credited, await WatchAsync(deposit, ct));
        });
        return credited;
    }

    /// <summary>Checks one deposit's reference; returns how many payments it credited.</summary>
    public async Task<int> WatchAsync(OpenDeposit deposit, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var signatures = await SignaturesAsync(deposit.Reference, cancellationToken);
        if (signatures is null)
        {
            return 0; // the chain did not answer: the next run looks again
        }

        var decided = signatures.Count == 0 ? new HashSet<string>() : await deposits.DecidedAsync(deposit, cancellationToken);
        var credited = 0;
        foreach (var signature in signatures.Where(s => !decided.Contains(s)))
        {
            if (await CheckAsync(deposit, signature, cancellationToken))
            {
                credited++;
            }
        }

        if (now > deposit.WatchUntil)
        {
            await deposits.CloseAsync(deposit, cancellationToken);
        }

        return credited;
    }

    private async Task<bool> CheckAsync(OpenDeposit deposit, string signature, CancellationToken cancellationToken)
    {
        var found = await rpc.GetTransactionAsync(signature, "base64", cancellationToken);
        if (!found.IsSuccess || found.Value is null)
        {
            return false; // not visible at our commitment yet
        }

        var (amount, rejection) = TransferCheck.Validate(found.Value, deposits.Recipient, deposits.Mint, PublicKey.Parse(deposit.Reference));
        if (rejection == DepositRejection.None && !await deposits.ClaimAsync(deposit, signature, amount, cancellationToken))
        {
            rejection = DepositRejection.ClaimedByAnotherDeposit;
        }

        if (rejection != DepositRejection.None)
        {
            Log.Rejected(logger, deposit.Id, signature, rejection);
            await deposits.RecordRejectedAsync(deposit, signature, rejection, cancellationToken);
            return false;
        }

        await credits.DepositAsync(deposit.AccountId, CreditIdPrefix + signature, amount, cancellationToken);
        await deposits.RecordCreditedAsync(deposit, signature, amount, found.Value.Slot, cancellationToken);
        Log.Credited(logger, deposit.Id, signature, amount);
        return true;
    }

    /// <summary>Successful transactions under the reference, oldest first; null when the chain does not answer.</summary>
    private async Task<List<string>?> SignaturesAsync(string reference, CancellationToken cancellationToken)
    {
        var all = new List<string>();
        string? before = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var result = await rpc.GetSignaturesForAddressAsync(reference, 1000, before, cancellationToken: cancellationToken);
            if (!result.IsSuccess)
            {
                return null;
            }

            var found = result.Value!;
            all.AddRange(found.Where(s => s.Err is null or { ValueKind: System.Text.Json.JsonValueKind.Null }).Select(s => s.Signature));
            if (found.Length < 1000)
            {
                break;
            }

            before = found[^1].Signature;
        }

        all.Reverse();
        return all;
    }

    private static partial class Log
    {
        [LoggerMessage(4100, LogLevel.Information, "Deposit {DepositId}: credited {Amount} micro-USDC from {Signature}")]
        public static partial void Credited(ILogger logger, string depositId, string signature, long amount);

        [LoggerMessage(4101, LogLevel.Warning, "Deposit {DepositId}: {Signature} carries its reference but credits nothing ({Reason})")]
        public static partial void Rejected(ILogger logger, string depositId, string signature, DepositRejection reason);
    }
}
