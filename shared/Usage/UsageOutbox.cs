using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Bourse.Json;
using Bourse.Storage;

namespace Bourse.Usage;

/// <summary>
/// Usage events written in the same transaction as the charge they describe (rows <c>outbox|&lt;event id&gt;</c>
/// in the account's credit partition), then sent to the settlement queue and deleted. A crash between
/// the charge and the send leaves the row, which the janitor sends when the hold's expiry falls due
/// (<see cref="Accounts.CreditJanitor"/>); settlement posts each event id once, so a second send is harmless.
/// </summary>
public sealed class UsageOutbox(TableServiceClient tables, UsageEventPublisher publisher)
{
    private const string Prefix = "outbox|";
    private readonly TableClient _table = tables.GetTableClient(TableNames.CreditAccounts);

    public static TableEntity Row(string accountId, UsageEvent usage, DateTimeOffset now) => new(accountId, Prefix + usage.EventId)
    {
        ["Event"] = JsonSerializer.Serialize(usage, BourseJsonContext.Default.UsageEvent),
        ["WrittenAt"] = now,
    };

    /// <summary>Sends one account's event now, right after the charge that wrote it to the outbox committed; no read needed.</summary>
    public async Task FlushAsync(string accountId, UsageEvent usage, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(usage, cancellationToken);
        await DeleteAsync(accountId, Prefix + usage.EventId, ETag.All, cancellationToken);
    }

    /// <summary>Sends the event if it is still in the account's outbox (a crash cut the send short); one point read otherwise.</summary>
    public async Task<bool> ResendAsync(string accountId, string eventId, CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, Prefix + eventId, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        await SendAsync(row.Value!, cancellationToken);
        return true;
    }

    private async Task SendAsync(TableEntity row, CancellationToken cancellationToken)
    {
        var usage = JsonSerializer.Deserialize(row.GetString("Event"), BourseJsonContext.Default.UsageEvent)!;
        await publisher.PublishAsync(usage, cancellationToken);
        await DeleteAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
    }

    private async Task DeleteAsync(string partition, string row, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, row, etag, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Sent concurrently by the other path; settlement dedupes by event id.
        }
    }
}
