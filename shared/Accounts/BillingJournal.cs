using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Json;
using Bourse.Storage;
using Bourse.Usage;

namespace Bourse.Accounts;

/// <summary>
/// A router instance's billing journal, partition <c>journal|&lt;instance&gt;</c> of the credit accounts
/// table: every flush interval one transaction adds flush rows <c>flush|&lt;seq&gt;|&lt;part&gt;</c> carrying
/// the usage events (each with its account, key and actual charge) of the calls the instance finished
/// since the last flush, and deletes the flush rows every account of which has posted them. An account's
/// lease row says through which flush seq its charges are posted (<c>PostedThrough</c>): what lies in
/// later flush rows is what the janitor posts if the instance dies. A janitor that released a lease
/// leaves <c>posted|&lt;account&gt;</c> here, so an instance that was only slow posts nothing twice.
/// </summary>
public static class BillingJournal
{
    public const string FlushPrefix = "flush|";
    public const string PostedPrefix = "posted|";

    private const string ChunkPrefix = "Chunk";

    /// <summary>Chunks of events per flush row (≤ 1 MiB).</summary>
    private const int MaxChunks = 12;

    public static string Partition(string instance) => "journal|" + instance;

    public static string FlushRow(long seq, int part) => FlushPrefix + seq.ToString("D12", CultureInfo.InvariantCulture) + "|" + part.ToString(CultureInfo.InvariantCulture);

    public static string PostedRow(string accountId) => PostedPrefix + accountId;

    public static long SeqOf(string flushRow) => long.Parse(flushRow.AsSpan(FlushPrefix.Length, 12), CultureInfo.InvariantCulture);

    /// <summary>The filter of an instance's flush rows after <paramref name="seq"/>, in seq order.</summary>
    public static string FlushesAfter(string instance, long seq) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {Partition(instance)} and RowKey ge {FlushRow(seq + 1, 0)} and RowKey lt {"flush}"}");

    /// <summary>The flush rows of one flush: events in JSON chunks, a new row whenever one is full.</summary>
    public static List<TableEntity> FlushRows(string instance, long seq, IReadOnlyList<UsageEvent> events)
    {
        var rows = new List<TableEntity>();
        var json = new StringBuilder("[");
        void Close()
        {
            json.Append(']');
            var row = new TableEntity(Partition(instance), FlushRow(seq, rows.Count));
            ChunkedText.Write(row, ChunkPrefix, json.ToString());
            rows.Add(row);
            json.Clear().Append('[');
        }

        foreach (var usage in events)
        {
            var one = JsonSerializer.Serialize(usage, BourseJsonContext.Default.UsageEvent);
            if (json.Length > 1 && json.Length + one.Length + 2 > ChunkedText.MaxChars * (MaxChunks - 1))
            {
                Close();
            }

            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(one);
        }

        Close();
        return rows;
    }

    public static IReadOnlyList<UsageEvent> ReadEvents(TableEntity row)
    {
        var json = ChunkedText.Read(row, ChunkPrefix);
        return json.Length == 0 ? [] : JsonSerializer.Deserialize(json, BourseJsonContext.Default.ListUsageEvent) ?? [];
    }
}
