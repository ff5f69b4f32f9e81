using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Bourse.Payments.X402;
using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.Deposits;

/// <summary>
/// Deposits paid with a Solana Pay transfer request, in table <see cref="TableNames.Deposits"/>:
/// <list type="bullet">
/// <item>partition = account: <c>deposit|&lt;id&gt;</c> (the request) and <c>pay|&lt;id&gt;|&lt;signature&gt;</c> (each
/// transaction found under its reference: credited, with its amount, or rejected, with why);</item>
/// <item>partition <c>open</c>: the deposits whose reference is still watched;</item>
/// <item>partition <c>signature</c>: which deposit a transaction's signature was claimed for (insert-if-absent),
/// so a transaction is credited to one deposit only, whichever watcher sees it first.</item>
/// </list>
/// </summary>
public sealed class SolanaPayDeposits(TableServiceClient tables, IOptions<DepositOptions> options, IOptions<X402Options> x402, TimeProvider time)
{
    private const string OpenPartition = "open";
    private const string SignaturePartition = "signature";

    private readonly TableClient _table = tables.GetTableClient(TableNames.Deposits);

    public PublicKey Recipient { get; } = PublicKey.Parse(x402.Value.TreasuryAddress);

    public PublicKey Mint { get; } = PublicKey.Parse(x402.Value.UsdcMint);

    /// <summary>A new transfer request for <paramref name="amountMicroUsdc"/> (within the configured bounds; the caller checks).</summary>
    public async Task<Deposit> CreateAsync(string accountId, long amountMicroUsdc, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var id = "dep_" + RandomNumberGenerator.GetHexString(24, lowercase: true);
        var reference = new PublicKey(RandomNumberGenerator.GetBytes(PublicKey.Length)).ToString();
        var now = time.GetUtcNow();
        var expires = now + o.Lifetime;
        var url = SolanaPayUrl.Transfer(Recipient.ToString(), amountMicroUsdc, Mints.UsdcDecimals, Mint.ToString(), reference, o.Label, o.Message, "bourse:deposit:" + id);
        await _table.CreateIfNotExistsAsync(cancellationToken);

        // The open row first: a deposit that exists is always watched.
        await _table.AddEntityAsync(new TableEntity(OpenPartition, id) { ["AccountId"] = accountId, ["Reference"] = reference, ["WatchUntil"] = expires + o.WatchAfterExpiry }, cancellationToken);
        await _table.AddEntityAsync(new TableEntity(accountId, DepositRow(id))
        {
            ["Amount"] = amountMicroUsdc, ["Recipient"] = Recipient.ToString(), ["SplToken"] = Mint.ToString(), ["Reference"] = reference, ["Url"] = url,
            ["CreatedAt"] = now, ["ExpiresAt"] = expires,
        }, cancellationToken);
        return new Deposit(id, accountId, amountMicroUsdc, Recipient.ToString(), Mint.ToString(), reference, url, now, expires, []);
    }

    /// <summary>The account's deposit with its credited payments; null when the account has no such deposit.</summary>
    public async Task<Deposit?> GetAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64 || id.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            return null;
        }

        NullableResponse<TableEntity> row;
        try
        {
            row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, DepositRow(id), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null; // no deposit was ever made
        }

        if (!row.HasValue)
        {
            return null;
        }

        var d = row.Value!;
        var payments = (await PaymentsAsync(accountId, id, cancellationToken)).Where(p => p.GetString("State") == "credited")
            .Select(p => new DepositPayment(p.RowKey[PaymentPrefix(id).Length..], p.GetInt64("Amount") ?? 0, (ulong)(p.GetInt64("Slot") ?? 0), p.GetDateTimeOffset("CreditedAt") ?? default))
            .OrderBy(p => p.Slot).ThenBy(p => p.CreditedAt)
            .ToList();
        return new Deposit(id, accountId, d.GetInt64("Amount") ?? 0, d.GetString("Recipient"), d.GetString("SplToken"), d.GetString("Reference"), d.GetString("Url"),
            d.GetDateTimeOffset("CreatedAt") ?? default, d.GetDateTimeOffset("ExpiresAt") ?? default, payments);
    }

    /// <summary>Every deposit still watched.</summary>
    public async Task<IReadOnlyList<OpenDeposit>> OpenAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var open = new List<OpenDeposit>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {OpenPartition}"), cancellationToken: cancellationToken))
        {
            open.Add(new OpenDeposit(row.RowKey, row.GetString("AccountId"), row.GetString("Reference"), row.GetDateTimeOffset("WatchUntil") ?? default));
        }

        return open;
    }

    /// <summary>The signatures already decided for this deposit (credited or rejected): the watcher does not look at them again.</summary>
    public async Task<IReadOnlySet<string>> DecidedAsync(OpenDeposit deposit, CancellationToken cancellationToken) =>
        (await PaymentsAsync(deposit.AccountId, deposit.Id, cancellationToken)).Select(p => p.RowKey[PaymentPrefix(deposit.Id).Length..]).ToHashSet();

    /// <summary>
    /// Claims <paramref name="signature"/> for this deposit (insert-if-absent); true when it is this
    /// deposit's (claimed now or before, by any watcher), false when another deposit has it.
    /// </summary>
    public async Task<bool> ClaimAsync(OpenDeposit deposit, string signature, long amount, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(SignaturePartition, signature) { ["AccountId"] = deposit.AccountId, ["DepositId"] = deposit.Id, ["Amount"] = amount }, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            var claimed = await _table.GetEntityAsync<TableEntity>(SignaturePartition, signature, cancellationToken: cancellationToken);
            return claimed.Value.GetString("DepositId") == deposit.Id;
        }
    }

    /// <summary>Records a payment credited to the account (after the credit itself): idempotent.</summary>
    public Task RecordCreditedAsync(OpenDeposit deposit, string signature, long amount, ulong slot, CancellationToken cancellationToken) =>
        _table.UpsertEntityAsync(new TableEntity(deposit.AccountId, PaymentPrefix(deposit.Id) + signature)
        {
            ["State"] = "credited", ["Amount"] = amount, ["Slot"] = (long)slot, ["CreditedAt"] = time.GetUtcNow(),
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Records a transaction under the reference that credits nothing, and why; never over a credited one.</summary>
    public async Task RecordRejectedAsync(OpenDeposit deposit, string signature, DepositRejection reason, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(deposit.AccountId, PaymentPrefix(deposit.Id) + signature) { ["State"] = "rejected", ["Reason"] = reason.ToString() }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            // decided already (by another watcher)
        }
    }

    /// <summary>Stops watching a deposit past its watch window.</summary>
    public async Task CloseAsync(OpenDeposit deposit, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(OpenPartition, deposit.Id, ETag.All, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            // closed by another watcher
        }
    }

    private async Task<List<TableEntity>> PaymentsAsync(string accountId, string id, CancellationToken cancellationToken)
    {
        var prefix = PaymentPrefix(id);
        var rows = new List<TableEntity>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "}"}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static string DepositRow(string id) => "deposit|" + id;

    private static string PaymentPrefix(string id) => "pay|" + id + "|";
}
