using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Bourse.Listings;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.Creators;

/// <summary>
/// Table <see cref="TableNames.CreatorApplications"/>: partition <c>application</c> (row = id) and, for
/// the rate limit, partition <c>rate</c> (row = hash of the client address and the UTC hour → count,
/// ETag-guarded). Client addresses are stored only as a salted hash.
/// </summary>
public sealed class CreatorApplications(TableServiceClient tables, IOptions<CreatorOptions> options, TimeProvider time)
{
    private const string ApplicationPartition = "application";
    private const string RatePartition = "rate";

    private readonly TableClient _table = tables.GetTableClient(TableNames.CreatorApplications);

    /// <summary>
    /// Counts one application from <paramref name="clientAddress"/> in this hour; the time to wait when the
    /// hour's allowance is used up (nothing counted then), null when it may go ahead.
    /// </summary>
    public async Task<TimeSpan?> TryAdmitAsync(string clientAddress, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var row = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("bourse-creator-rate|" + clientAddress)))[..32] + "|" +
            hour.ToString("yyyyMMddHH", CultureInfo.InvariantCulture);
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(RatePartition, row, cancellationToken: cancellationToken);
            var count = found.HasValue ? found.Value!.GetInt32("Count") ?? 0 : 0;
            if (count >= options.Value.ApplicationsPerHour)
            {
                return hour.AddHours(1) - now;
            }

            try
            {
                var next = new TableEntity(RatePartition, row) { ["Count"] = count + 1, ["Hour"] = hour };
                if (found.HasValue)
                {
                    await _table.UpdateEntityAsync(next, found.Value!.ETag, TableUpdateMode.Replace, cancellationToken);
                }
                else
                {
                    await _table.AddEntityAsync(next, cancellationToken);
                }

                return null;
            }
            catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // another request of this address counted first: read again
            }
        }

        return TimeSpan.FromSeconds(1);
    }

    public async Task<CreatorApplication> SubmitAsync(
        string modelId, string link, string description, string contact, ListingTrack track, string? mint, int modelFeeBps, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var application = new CreatorApplication(
            "app_" + RandomNumberGenerator.GetHexString(20, lowercase: true), modelId, link, description, contact, track, mint, modelFeeBps, ApplicationStatus.Pending, time.GetUtcNow());
        await _table.AddEntityAsync(ToEntity(application), cancellationToken);
        return application;
    }

    public async Task<(CreatorApplication Application, ETag ETag)?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (id.Length > 64 || id.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_'))
        {
            return null;
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(ApplicationPartition, id, cancellationToken: cancellationToken);
        return row.HasValue ? (FromEntity(row.Value!), row.Value!.ETag) : null;
    }

    /// <summary>Applications, newest first; only those with <paramref name="status"/> when given.</summary>
    public async Task<IReadOnlyList<CreatorApplication>> ListAsync(ApplicationStatus? status, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var filter = status is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {ApplicationPartition} and Status eq {s.ToString()}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {ApplicationPartition}");
        var list = new List<CreatorApplication>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            list.Add(FromEntity(row));
        }

        return [.. list.OrderByDescending(a => a.SubmittedAt)];
    }

    /// <summary>Replaces the application if it is still as read (<paramref name="etag"/>); false when another decision came first.</summary>
    public async Task<bool> SaveAsync(CreatorApplication application, ETag etag, CancellationToken cancellationToken)
    {
        try
        {
            await _table.UpdateEntityAsync(ToEntity(application), etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private static TableEntity ToEntity(CreatorApplication a) => new(ApplicationPartition, a.Id)
    {
        ["ModelId"] = a.ModelId, ["Link"] = a.Link, ["Description"] = a.Description, ["Contact"] = a.Contact, ["Track"] = a.Track.ToString(),
        ["Mint"] = a.Mint, ["ModelFeeBps"] = a.ModelFeeBps, ["Status"] = a.Status.ToString(), ["SubmittedAt"] = a.SubmittedAt, ["DecidedAt"] = a.DecidedAt,
        ["DecidedBy"] = a.DecidedBy, ["Reason"] = a.Reason, ["ListingMint"] = a.ListingMint, ["VaultAuthority"] = a.VaultAuthority, ["VaultUsdcAccount"] = a.VaultUsdcAccount,
    };

    private static CreatorApplication FromEntity(TableEntity e) => new(
        e.RowKey, e.GetString("ModelId"), e.GetString("Link"), e.GetString("Description"), e.GetString("Contact"),
        Enum.Parse<ListingTrack>(e.GetString("Track")), e.GetString("Mint"), e.GetInt32("ModelFeeBps") ?? 0, Enum.Parse<ApplicationStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("SubmittedAt") ?? default, e.GetDateTimeOffset("DecidedAt"), e.GetString("DecidedBy"), e.GetString("Reason"),
        e.GetString("ListingMint"), e.GetString("VaultAuthority"), e.GetString("VaultUsdcAccount"));
}
