using Azure.Data.Tables;
using Bourse.Market;
using Bourse.Settlement;
using Bourse.Tests.Infrastructure;
using Bourse.Usage;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Market;

/// <summary>The market's volumes from the settlement ledger's day and hour aggregates on Azurite, at known times.</summary>
public sealed class MarketVolumesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);
    private readonly SettlementLedger _ledger = new(Tables, new VaultPayables(Tables));

    [Fact]
    public async Task Read_EventsAcrossTwoUtcDays_Last24HoursByHourAnd30DaysExact()
    {
        var model = $"vol-{Guid.NewGuid():N}/m";
        var inDay = new[] { Now.AddMinutes(-25), Now.AddHours(-10.5), Now.AddHours(-23.5), Now.AddHours(-23.5).AddMinutes(1) }; // today 10:05, 00:00, yesterday 11:00, 11:01
        var outOfDay = new[] { Now.AddHours(-23.5).AddSeconds(-1), Now.AddHours(-32.5), Now.AddDays(-29), Now.AddDays(-30), Now.AddDays(1) }; // yesterday 10:59:59 and 02:00, the oldest day, too old, tomorrow
        var postings = inDay.Concat(outOfDay).Select((at, i) => Posting(model, at, i)).ToList();
        Assert.Equal(postings.Count, await _ledger.PostAsync(postings, CancellationToken.None));
        Assert.Equal(0, await _ledger.PostAsync(postings, CancellationToken.None)); // a redelivery counts nothing twice
        var time = new FakeTimeProvider(Now);
        var volumes = new MarketVolumes(_ledger, time);

        var (days, last24h) = await volumes.ReadAsync(model, CancellationToken.None);

        Assert.Equal(Volume(postings.Take(inDay.Length)), last24h);
        Assert.Equal(MarketVolumes.Days, days.Count);
        Assert.Equal((DateOnly.FromDateTime(Now.AddDays(-29).UtcDateTime), DateOnly.FromDateTime(Now.UtcDateTime)), (days[0].Day, days[^1].Day));
        Assert.Equal(Volume(postings.Where(p => p.Event.OccurredAt > Now.AddDays(-30) && p.Event.OccurredAt <= Now)), MarketVolumes.Total(days));
        Assert.Equal(Volume(postings.Where(p => p.Event.OccurredAt.Date == Now.AddDays(-1).Date)), MarketVolumes.Total([days[^2]]));

        // An hour later yesterday's 11:00 hour has left the window and a new call came in this hour.
        time.Advance(TimeSpan.FromHours(1));
        var late = Posting(model, time.GetUtcNow(), 99);
        await _ledger.PostAsync([late], CancellationToken.None);
        (_, last24h) = await volumes.ReadAsync(model, CancellationToken.None);
        Assert.Equal(Volume([postings[0], postings[1], late]), last24h);
    }

    [Fact]
    public async Task Post_ABatchOverEveryHourOfADay_HourAggregatesSumToTheDay()
    {
        var model = $"hours-{Guid.NewGuid():N}";
        var day = new DateTimeOffset(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(3);
        var postings = Enumerable.Range(0, 24 * 9).Select(i => Posting(model, day.AddMinutes(i * 1440.0 / (24 * 9)), i)).OrderBy(_ => random.Next()).ToList();

        // Shuffled, so each batch of 75 events touches every hour: 75 events, the day and 24 hour aggregates.
        Assert.Equal(postings.Count, await _ledger.PostAsync(postings, CancellationToken.None));
        var (total, hours) = await _ledger.HourlyAggregatesAsync(model, DateOnly.FromDateTime(day.UtcDateTime), CancellationToken.None);

        Assert.Equal(Volume(postings), new MarketVolume(total.Requests, total.PromptTokens, total.CompletionTokens, total.Gross, total.CreatorFee));
        for (var h = 0; h < 24; h++)
        {
            Assert.Equal(Volume(postings.Where(p => p.Event.OccurredAt.Hour == h)), new MarketVolume(hours[h].Requests, hours[h].PromptTokens, hours[h].CompletionTokens, hours[h].Gross, hours[h].CreatorFee));
        }
    }

    private static SettlementPosting Posting(string model, DateTimeOffset at, int i)
    {
        var usage = new UsageEvent(
            $"evt-{Guid.NewGuid():N}", UsageEvent.CreditsRail, model, "provider/model", 100 + i, 10 + (2 * i), false, 1_000 + (7 * i), $"req-{i}", at,
            AccountId: "acct-1");
        return SettlementPosting.For(usage with { Terms = new ChargeTerms(250, "mint", "vault-owner", "vault") }, 100);
    }

    private static MarketVolume Volume(IEnumerable<SettlementPosting> postings) => postings.Aggregate(
        MarketVolume.Zero, (sum, p) => sum.Add(new MarketVolume(1, p.Event.PromptTokens, p.Event.CompletionTokens, p.Split.Gross, p.Split.CreatorFee)));
}
