using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace Bourse.Accounts;

/// <summary>
/// Usage by UTC day, key and model, kept with the charges (rows <c>usage|yyyyMMdd|keyId|model</c> in the
/// account's partition, in key order by day so a date range is one range read; the model's <c>/</c>, not
/// allowed in a row key, as <c>:</c>, its <c>Model</c> property as it is) and updated in the charge's own
/// transaction, so each charge is counted once.
/// </summary>
public static class UsageTotals
{
    public const string RowPrefix = "usage|";

    public static string Row(DateOnly day, string keyId, string model) =>
        Prefix(day) + "|" + keyId + "|" + model.Replace('/', ':').Replace('\\', ':').Replace('#', ':').Replace('?', ':');

    public static string Prefix(DateOnly day) => RowPrefix + day.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    public static async Task<(UsageSummary Totals, ETag? ETag)> ReadAsync(TableClient table, string accountId, DateOnly day, string keyId, string model, CancellationToken cancellationToken)
    {
        var row = await table.GetEntityIfExistsAsync<TableEntity>(accountId, Row(day, keyId, model), cancellationToken: cancellationToken);
        return row.HasValue ? (ToUsage(row.Value!), row.Value!.ETag) : (new UsageSummary(day, keyId, 0, 0, 0, 0, model), null);
    }

    public static TableTransactionAction Action(string accountId, UsageSummary totals, ETag? etag)
    {
        var row = new TableEntity(accountId, Row(totals.Day, totals.KeyId!, totals.Model!))
        {
            ["KeyId"] = totals.KeyId, ["Model"] = totals.Model, ["Requests"] = totals.Requests, ["PromptTokens"] = totals.PromptTokens,
            ["CompletionTokens"] = totals.CompletionTokens, ["Cost"] = totals.CostMicroUsdc,
        };
        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    public static UsageSummary ToUsage(TableEntity row) => new(
        DateOnly.ParseExact(row.RowKey.AsSpan(RowPrefix.Length, 8), "yyyyMMdd", CultureInfo.InvariantCulture), row.GetString("KeyId"),
        row.GetInt64("Requests") ?? 0, row.GetInt64("PromptTokens") ?? 0, row.GetInt64("CompletionTokens") ?? 0, row.GetInt64("Cost") ?? 0, row.GetString("Model"));

    public static UsageSummary Add(UsageSummary totals, long requests, long prompt, long completion, long cost) => totals with
    {
        Requests = totals.Requests + requests,
        PromptTokens = totals.PromptTokens + prompt,
        CompletionTokens = totals.CompletionTokens + completion,
        CostMicroUsdc = totals.CostMicroUsdc + cost,
    };
}
