using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Json;
using Bourse.Usage;

namespace Bourse.Accounts;

/// <summary>
/// A lease row, <c>lease|&lt;instance&gt;</c> in the account's partition: the slice of the balance the
/// instance may admit calls against (<c>Amount</c>, also counted in the balance row's <c>Leased</c>),
/// until <c>ExpiresAt</c> (pushed on by every sync), the number of its last sync (<c>Seq</c>, so a
/// sync whose answer was lost can tell it committed), and the usage events of its charges that are not
/// known to be on the settlement queue yet (<c>Outbox0</c>…), which the janitor sends if the instance dies.
/// </summary>
public static class LeaseRows
{
    public const string Prefix = "lease|";

    /// <summary>The <see cref="Storage.DueIndex"/> kind of lease expiries; ids are <c>account|instance</c>.</summary>
    public const string DueKind = "lease";

    private const int MaxChunkChars = 30_000; // a string property holds 32K UTF-16 characters
    private const int MaxChunks = 14;

    public static string Row(string instance) => Prefix + instance;

    public static void WriteOutbox(TableEntity row, IReadOnlyList<UsageEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var json = JsonSerializer.Serialize(events.ToList(), BourseJsonContext.Default.ListUsageEvent);
        var chunks = (json.Length + MaxChunkChars - 1) / MaxChunkChars;
        if (chunks > MaxChunks)
        {
            throw new InvalidOperationException($"{events.Count} unsent usage events do not fit on a lease row.");
        }

        for (var i = 0; i < chunks; i++)
        {
            row["Outbox" + i] = json.Substring(i * MaxChunkChars, Math.Min(MaxChunkChars, json.Length - (i * MaxChunkChars)));
        }
    }

    public static IReadOnlyList<UsageEvent> ReadOutbox(TableEntity row)
    {
        var json = new StringBuilder();
        for (var i = 0; row.GetString("Outbox" + i) is { } chunk; i++)
        {
            json.Append(chunk);
        }

        return json.Length == 0 ? [] : JsonSerializer.Deserialize(json.ToString(), BourseJsonContext.Default.ListUsageEvent) ?? [];
    }

    /// <summary>The most events a lease row carries unsent before the instance stops flushing new charges (back-pressure).</summary>
    public const int MaxUnsent = 600;
}
