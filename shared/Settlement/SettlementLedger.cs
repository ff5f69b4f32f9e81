using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Bourse.Json;
using Bourse.Storage;
using Bourse.Usage;

namespace Bourse.Settlement;

/// <summary>
/// The settlement ledger in table <see cref="TableNames.Settlements"/>, a partition per UTC day and model.
/// Events are recorded in pages: one immutable <c>page|NNNNNNNN</c> row per committed group, holding the
/// group's events (each with its split, fee rates and legs) as JSON in string chunks, and its event ids
/// in a column of their own. The page goes in one entity-group transaction with the partition's
/// aggregates, ETag-checked: <c>aggregate</c> (the day's totals and the last page number) and
/// <c>aggregate|HH</c> (the totals of UTC hour HH). Then the vault payable accrues once per page
/// (<see cref="VaultPayables.AccruePageAsync"/>).
/// <para>
/// An event is posted once by its id. The poster keeps, per partition it touches, the ids posted there
/// and their page: loaded once (the aggregates, then the id column of the pages), then extended with what
/// it commits. A commit that succeeds on the day aggregate's ETag proves nobody posted in between, so the
/// set was complete; on 412 it reads the aggregates again and only the pages added since, and retries.
/// A redelivered event finds its page, and that page's accrual is completed if a crash cut it. The work
/// is bounded by one day of one model, never by history; partitions of past days are dropped from memory.
/// </para>
/// </summary>
public sealed class SettlementLedger
{
    /// <summary>Events per page at most (the page's entity must stay under 1 MiB).</summary>
    public const int MaxPage = 400;
    private const int MaxPageChars = 450_000; // events' JSON and ids (ASCII): 900 KB as UTF-16, under the entity's 1 MiB
    private const int MaxIdChunks = MaxPageChars / ChunkedText.MaxChars + 1;
    private const string AggregateRow = "aggregate";
    private const string PagePrefix = "page|";

    private readonly TableClient _table;
    private readonly VaultPayables _payables;
    private readonly GroupCommit<SettlementPosting> _commits;
    private readonly ConcurrentDictionary<string, PartitionState> _partitions = new(StringComparer.Ordinal);
    private volatile bool _created;
    private int _newestDay;

    public SettlementLedger(TableServiceClient tables, VaultPayables payables)
    {
        _table = tables.GetTableClient(TableNames.Settlements);
        _payables = payables;
        _commits = new GroupCommit<SettlementPosting>(PostBatchAsync, p => p.Event.EventId, MaxPage);
    }

    /// <summary>
    /// Posts the events not posted before, and their vault payables; returns how many were new.
    /// Concurrent calls for one partition are committed together (<see cref="GroupCommit{TItem}"/>), so
    /// small calls still make large pages.
    /// </summary>
    public async Task<int> PostAsync(IReadOnlyList<SettlementPosting> postings, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partitions = postings.DistinctBy(p => p.Event.EventId).GroupBy(p => Partition(p.Event.Model, DateOnly.FromDateTime(p.Event.OccurredAt.UtcDateTime)));
        var posted = await Task.WhenAll(partitions.Select(p => _commits.CommitAsync(p.Key, [.. p], cancellationToken)));
        return posted.Sum();
    }

    /// <summary>The model's figures for the day: one point read of the partition's aggregate row, however many events it has.</summary>
    public async Task<ModelDayAggregate> AggregateAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var partition = Partition(model, day);
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(partition, AggregateRow, cancellationToken: cancellationToken);
        return row.HasValue ? Totals(row.Value!, model, day) : Empty(model, day);
    }

    /// <summary>
    /// The model's figures for the day and for each of its 24 UTC hours (index = hour, zero where none): one
    /// query of the partition's aggregate rows (at most 25), however many events it has.
    /// </summary>
    public async Task<(ModelDayAggregate Day, IReadOnlyList<ModelDayAggregate> Hours)> HourlyAggregatesAsync(string model, DateOnly day, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        var read = await ReadAggregatesAsync(Partition(model, day), model, day, cancellationToken);
        var hours = Enumerable.Range(0, 24).Select(h => read.Rows.TryGetValue(HourRow(h), out var r) ? r.Totals : Empty(model, day)).ToArray();
        return (read.Rows.TryGetValue(AggregateRow, out var d) ? d.Totals : Empty(model, day), hours);
    }

    /// <summary>
    /// The first event of the model's day that <paramref name="match"/> accepts, as posted, with the page that
    /// holds it (for admin lookups and tests): a scan of the day's pages, not for the settlement path.
    /// </summary>
    public async Task<PostedEvent?> FindAsync(string model, DateOnly day, Func<SettlementPosting, bool> match, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await foreach (var page in _table.QueryAsync<TableEntity>(PagesFilter(Partition(model, day), after: 0), cancellationToken: cancellationToken))
        {
            foreach (var posting in ReadEntries(page))
            {
                if (match(posting))
                {
                    return new PostedEvent(posting, PageId(day, Seq(page.RowKey)));
                }
            }
        }

        return null;
    }

    /// <summary>Partition keys may not hold '/', so model ids like <c>google/gemma-3-27b-it</c> use '~'.</summary>
    public static string Partition(string model, DateOnly day) =>
        day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|" + model.Replace('/', '~');

    /// <summary>The row key of the aggregate of UTC hour <paramref name="hour"/> (0-23) in a day partition.</summary>
    public static string HourRow(int hour) => AggregateRow + "|" + hour.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>A page's name across the model's days (the key of its vault accrual): <c>yyyyMMdd|NNNNNNNN</c>.</summary>
    public static string PageId(DateOnly day, int seq) =>
        day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + "|" + seq.ToString("D8", CultureInfo.InvariantCulture);

    private static string PageRow(int seq) => PagePrefix + seq.ToString("D8", CultureInfo.InvariantCulture);

    private static int Seq(string pageRow) => int.Parse(pageRow.AsSpan(PagePrefix.Length), CultureInfo.InvariantCulture);

    private async Task<bool[]> PostBatchAsync(string partition, SettlementPosting[] rows)
    {
        var cancellationToken = CancellationToken.None; // the batch carries several callers' events: no one caller's cancellation applies
        var model = rows[0].Event.Model;
        var day = DateOnly.FromDateTime(rows[0].Event.OccurredAt.UtcDateTime);
        Evict(day);
        var state = _partitions.GetOrAdd(partition, _ => new PartitionState());
        if (!state.Loaded)
        {
            await CatchUpAsync(state, partition, model, day, cancellationToken);
        }

        var isNew = new bool[rows.Length];
        for (var attempt = 0; ; attempt++)
        {
            // Redelivered events: their page is written; make sure its accrual is too (a crash may have cut it).
            foreach (var seq in rows.Where(r => state.PageOf.ContainsKey(r.Event.EventId)).Select(r => state.PageOf[r.Event.EventId]).Distinct())
            {
                await CompleteAccrualAsync(state, partition, model, day, seq, cancellationToken);
            }

            var fresh = Enumerable.Range(0, rows.Length).Where(i => !isNew[i] && !state.PageOf.ContainsKey(rows[i].Event.EventId)).ToList();
            if (fresh.Count == 0)
            {
                return isNew;
            }

            var (page, taken) = PageEntity(partition, state.Pages + 1, fresh.Select(i => rows[i]).ToList());
            var pageRows = fresh.Take(taken).Select(i => rows[i]).ToArray();
            var touched = new List<(string Row, SettlementPosting[] Rows)> { (AggregateRow, pageRows) };
            touched.AddRange(pageRows.GroupBy(r => HourRow(r.Event.OccurredAt.UtcDateTime.Hour), StringComparer.Ordinal).Select(g => (g.Key, g.ToArray())));
            var next = touched.Select(t =>
            {
                var (totals, etag) = state.Aggregates.TryGetValue(t.Row, out var k) ? k : (Empty(model, day), null);
                return (t.Row, Totals: t.Rows.Aggregate(totals, Add), ETag: etag);
            }).ToList();
            List<TableTransactionAction> actions = [new(TableTransactionActionType.Add, page)];
            actions.AddRange(next.Select(n => AggregateAction(partition, n.Row, n.Totals, n.ETag, n.Row == AggregateRow ? state.Pages + 1 : null)));
            try
            {
                var responses = await _table.SubmitTransactionAsync(actions, cancellationToken);
                var seq = ++state.Pages;
                for (var i = 0; i < next.Count; i++)
                {
                    state.Aggregates[next[i].Row] = (next[i].Totals, responses.Value[1 + i].Headers.ETag);
                }

                foreach (var r in pageRows)
                {
                    state.PageOf[r.Event.EventId] = seq;
                }

                foreach (var i in fresh.Take(taken))
                {
                    isNew[i] = true;
                }

                await _payables.AccruePageAsync(model, PageId(day, seq), pageRows, cancellationToken);
                state.Accrued.Add(seq);
            }
            catch (TableTransactionFailedException e) when (e.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 100)
            {
                // Another poster wrote to the partition since this one last looked: read what it added, then retry.
                await CatchUpAsync(state, partition, model, day, cancellationToken);
            }
        }
    }

    /// <summary>Brings the partition's ids and aggregates up to date: the aggregates, then the id column of the pages not seen yet.</summary>
    private async Task CatchUpAsync(PartitionState state, string partition, string model, DateOnly day, CancellationToken cancellationToken)
    {
        var read = await ReadAggregatesAsync(partition, model, day, cancellationToken);
        if (read.Pages > state.Pages)
        {
            var select = new List<string> { "RowKey" };
            select.AddRange(Enumerable.Range(0, MaxIdChunks).Select(i => "I" + i.ToString(CultureInfo.InvariantCulture)));
            await foreach (var page in _table.QueryAsync<TableEntity>(PagesFilter(partition, after: state.Pages), select: select, cancellationToken: cancellationToken))
            {
                var seq = Seq(page.RowKey);
                if (seq > read.Pages)
                {
                    break; // written after the aggregates were read: the next catch-up reads it with its aggregate
                }

                foreach (var id in ChunkedText.Read(page, "I").Split('\n'))
                {
                    state.PageOf[id] = seq;
                }
            }
        }

        state.Pages = read.Pages;
        state.Aggregates = read.Rows;
        state.Loaded = true;
    }

    private async Task CompleteAccrualAsync(PartitionState state, string partition, string model, DateOnly day, int seq, CancellationToken cancellationToken)
    {
        if (state.Accrued.Contains(seq))
        {
            return;
        }

        var id = PageId(day, seq);
        if (!await _payables.HasAccruedAsync(model, id, cancellationToken))
        {
            var page = await _table.GetEntityAsync<TableEntity>(partition, PageRow(seq), cancellationToken: cancellationToken);
            await _payables.AccruePageAsync(model, id, ReadEntries(page.Value), cancellationToken);
        }

        state.Accrued.Add(seq);
    }

    /// <summary>Drops the ids of partitions two days or more older than the newest day posted: late events of yesterday still find theirs.</summary>
    private void Evict(DateOnly day)
    {
        var number = day.DayNumber;
        if (number <= Volatile.Read(ref _newestDay))
        {
            return;
        }

        Interlocked.Exchange(ref _newestDay, number);
        foreach (var key in _partitions.Keys)
        {
            if (DateOnly.TryParseExact(key.AsSpan(0, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.DayNumber < number - 1)
            {
                _partitions.TryRemove(key, out _);
            }
        }
    }

    /// <summary>The page of as many of <paramref name="rows"/> as fit (at most <see cref="MaxPageChars"/> of JSON) and how many that is.</summary>
    private static (TableEntity Page, int Taken) PageEntity(string partition, int seq, List<SettlementPosting> rows)
    {
        var buffer = new ArrayBufferWriter<byte>(rows.Count * 600);
        var ids = new StringBuilder(rows.Count * 40);
        var taken = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var posting in rows)
            {
                if (taken > 0 && buffer.WrittenCount + writer.BytesPending + ids.Length > MaxPageChars)
                {
                    break;
                }

                WriteEntry(writer, posting);
                ids.Append(taken == 0 ? string.Empty : "\n").Append(posting.Event.EventId);
                taken++;
            }

            writer.WriteEndArray();
        }

        var page = new TableEntity(partition, PageRow(seq)) { ["Events"] = taken };
        ChunkedText.Write(page, "E", Encoding.UTF8.GetString(buffer.WrittenSpan));
        ChunkedText.Write(page, "I", ids.ToString());
        return (page, taken);
    }

    private static void WriteEntry(Utf8JsonWriter writer, SettlementPosting posting)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("event");
        JsonSerializer.Serialize(writer, posting.Event, BourseJsonContext.Default.UsageEvent);
        writer.WriteNumber("creatorFeeBps", posting.CreatorFeeBps);
        writer.WriteNumber("protocolFeeBps", posting.ProtocolFeeBps);
        writer.WriteNumber("gross", posting.Split.Gross);
        writer.WriteNumber("providerPayout", posting.Split.ProviderPayout);
        writer.WriteNumber("creatorFee", posting.Split.CreatorFee);
        writer.WriteNumber("protocolFee", posting.Split.ProtocolFee);
        writer.WriteStartArray("legs");
        foreach (var leg in posting.Legs)
        {
            writer.WriteStartArray();
            writer.WriteStringValue(leg.Debit);
            writer.WriteStringValue(leg.Credit);
            writer.WriteNumberValue(leg.Amount);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>The postings a page holds, as they were posted.</summary>
    private static List<SettlementPosting> ReadEntries(TableEntity page)
    {
        using var document = JsonDocument.Parse(ChunkedText.Read(page, "E"));
        var entries = new List<SettlementPosting>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            var usage = e.GetProperty("event").Deserialize(BourseJsonContext.Default.UsageEvent)!;
            var split = new FeeSplit(e.GetProperty("gross").GetInt64(), e.GetProperty("providerPayout").GetInt64(), e.GetProperty("creatorFee").GetInt64(), e.GetProperty("protocolFee").GetInt64());
            var legs = e.GetProperty("legs").EnumerateArray().Select(l => new LedgerLeg(l[0].GetString()!, l[1].GetString()!, l[2].GetInt64())).ToList();
            entries.Add(new SettlementPosting(usage, split, e.GetProperty("creatorFeeBps").GetInt32(), e.GetProperty("protocolFeeBps").GetInt32(), legs));
        }

        return entries;
    }

    private static string PagesFilter(string partition, int after) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {PageRow(after)} and RowKey lt {PagePrefix + "~"}");

    private static ModelDayAggregate Add(ModelDayAggregate totals, SettlementPosting p) => totals with
    {
        Requests = totals.Requests + 1,
        PromptTokens = totals.PromptTokens + p.Event.PromptTokens,
        CompletionTokens = totals.CompletionTokens + p.Event.CompletionTokens,
        Gross = totals.Gross + p.Split.Gross,
        ProviderPayout = totals.ProviderPayout + p.Split.ProviderPayout,
        CreatorFee = totals.CreatorFee + p.Split.CreatorFee,
        ProtocolFee = totals.ProtocolFee + p.Split.ProtocolFee,
    };

    private static TableTransactionAction AggregateAction(string partition, string rowKey, ModelDayAggregate totals, ETag? etag, int? pages)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["Model"] = totals.Model, ["Requests"] = totals.Requests, ["PromptTokens"] = totals.PromptTokens, ["CompletionTokens"] = totals.CompletionTokens,
            ["Gross"] = totals.Gross, ["ProviderPayout"] = totals.ProviderPayout, ["CreatorFee"] = totals.CreatorFee, ["ProtocolFee"] = totals.ProtocolFee,
        };
        if (pages is { } p)
        {
            row["Pages"] = p;
        }

        return etag is { } e
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, e)
            : new TableTransactionAction(TableTransactionActionType.Add, row);
    }

    /// <summary>The partition's aggregate rows (day and hours, at most 25) by row key, with their ETags, and its page count: one range query.</summary>
    private async Task<(Dictionary<string, (ModelDayAggregate Totals, ETag? ETag)> Rows, int Pages)> ReadAggregatesAsync(string partition, string model, DateOnly day, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, (ModelDayAggregate Totals, ETag? ETag)>(StringComparer.Ordinal);
        var pages = 0;
        // "aggregate" <= key < "aggregate}" holds "aggregate" and "aggregate|HH" ('|' < '}'), and no page.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge {AggregateRow} and RowKey lt {AggregateRow + "}"}");
        await foreach (var r in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            read[r.RowKey] = (Totals(r, model, day), r.ETag);
            if (r.RowKey == AggregateRow)
            {
                pages = r.GetInt32("Pages") ?? 0;
            }
        }

        return (read, pages);
    }

    private static ModelDayAggregate Empty(string model, DateOnly day) => new(model, day, 0, 0, 0, 0, 0, 0, 0);

    private static ModelDayAggregate Totals(TableEntity r, string model, DateOnly day) => new(
        model, day, r.GetInt64("Requests") ?? 0, r.GetInt64("PromptTokens") ?? 0, r.GetInt64("CompletionTokens") ?? 0, r.GetInt64("Gross") ?? 0,
        r.GetInt64("ProviderPayout") ?? 0, r.GetInt64("CreatorFee") ?? 0, r.GetInt64("ProtocolFee") ?? 0);

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _table.CreateIfNotExistsAsync(cancellationToken);
            _created = true;
        }
    }

    /// <summary>What this poster knows of one partition; touched by one commit at a time (<see cref="GroupCommit{TItem}"/>).</summary>
    private sealed class PartitionState
    {
        public bool Loaded { get; set; }

        public int Pages { get; set; }

        public Dictionary<string, int> PageOf { get; } = new(StringComparer.Ordinal);

        public HashSet<int> Accrued { get; } = [];

        public Dictionary<string, (ModelDayAggregate Totals, ETag? ETag)> Aggregates { get; set; } = new(StringComparer.Ordinal);
    }
}
