using System.Net.Http.Headers;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Bourse.Settlement;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Routing;
using Bourse.Usage;

namespace Bourse.Tests.Settlement;

/// <summary>The settlement ledger on Azurite, and the queue-triggered consumer on the running stack.</summary>
public sealed class SettlementLedgerTests
{
    private static readonly DateTimeOffset Day = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);
    private readonly SettlementLedger _ledger = new(Tables, new VaultPayables(Tables));

    [Fact]
    public async Task Post_ThousandsOfRandomEvents_BalancesToZeroSplitsExactAggregatesEqualPostings()
    {
        var random = new Random(4242);
        var models = Enumerable.Range(0, 4).Select(i => $"prop-{Guid.NewGuid():N}/m{i}").ToArray();
        var postings = Enumerable.Range(0, 3_000).Select(i => RandomPosting(random, models, i)).ToList();

        var posted = 0;
        foreach (var batch in postings.Chunk(random.Next(50, 400)))
        {
            posted += await _ledger.PostAsync(batch, CancellationToken.None);
        }

        Assert.Equal(postings.Count, posted);
        var balances = new Dictionary<string, long>();
        foreach (var posting in postings)
        {
            var split = posting.Split;
            Assert.Equal(split.Gross, split.ProviderPayout + split.CreatorFee + split.ProtocolFee);
            Assert.Equal(split.Gross * posting.CreatorFeeBps / 10_000, split.CreatorFee);
            Assert.Equal(0, posting.Legs.Where(l => l.Credit == SettlementPosting.Clearing).Sum(l => l.Amount) - posting.Legs.Where(l => l.Debit == SettlementPosting.Clearing).Sum(l => l.Amount));
            foreach (var leg in posting.Legs)
            {
                balances[leg.Debit] = balances.GetValueOrDefault(leg.Debit) - leg.Amount;
                balances[leg.Credit] = balances.GetValueOrDefault(leg.Credit) + leg.Amount;
            }
        }

        Assert.Equal(0, balances.Values.Sum());
        Assert.Equal(0, balances[SettlementPosting.Clearing]);
        foreach (var model in models)
        {
            var ours = postings.Where(p => p.Event.Model == model).ToList();
            var aggregate = await _ledger.AggregateAsync(model, DateOnly.FromDateTime(Day.UtcDateTime), CancellationToken.None);
            Assert.Equal(
                (ours.Count, ours.Sum(p => (long)p.Event.PromptTokens), ours.Sum(p => (long)p.Event.CompletionTokens), ours.Sum(p => p.Split.Gross), ours.Sum(p => p.Split.CreatorFee), ours.Sum(p => p.Split.ProtocolFee)),
                ((int)aggregate.Requests, aggregate.PromptTokens, aggregate.CompletionTokens, aggregate.Gross, aggregate.CreatorFee, aggregate.ProtocolFee));
        }
    }

    [Fact]
    public async Task Post_DuplicateDeliveryAndACrashedBatchRetried_EachEventPostsOnce()
    {
        var random = new Random(7);
        var models = new[] { $"dup-{Guid.NewGuid():N}" };
        var postings = Enumerable.Range(0, 250).Select(i => RandomPosting(random, models, i)).ToList();

        var first = await _ledger.PostAsync(postings.Take(130).ToList(), CancellationToken.None); // then the process "crashed"
        var retried = await _ledger.PostAsync(postings, CancellationToken.None);
        var again = await _ledger.PostAsync(postings, CancellationToken.None);
        var aggregate = await _ledger.AggregateAsync(models[0], DateOnly.FromDateTime(Day.UtcDateTime), CancellationToken.None);

        Assert.Equal((130, 120, 0), (first, retried, again));
        Assert.Equal(250, aggregate.Requests);
        Assert.Equal(postings.Sum(p => p.Split.Gross), aggregate.Gross);
    }

    [Fact]
    public async Task Post_TwoPostersOnOnePartitionAtOnceWithOverlap_EachEventOnceAndAggregatesExact()
    {
        var random = new Random(99);
        var models = new[] { $"race-{Guid.NewGuid():N}" };
        var postings = Enumerable.Range(0, 1_200).Select(i => RandomPosting(random, models, i)).ToList();
        // Two instances, each with its own memory of the partition, given overlapping slices in small messages.
        var posters = new[] { new SettlementLedger(Tables, new VaultPayables(Tables)), new SettlementLedger(Tables, new VaultPayables(Tables)) };

        var counted = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            posters[i % 2].PostAsync(postings.Skip(i * 40).Take(120).ToList(), CancellationToken.None))));
        var later = await new SettlementLedger(Tables, new VaultPayables(Tables)).PostAsync(postings, CancellationToken.None); // a third, cold

        Assert.Equal((postings.Count, 0), (counted.Sum(), later));
        var aggregate = await _ledger.AggregateAsync(models[0], DateOnly.FromDateTime(Day.UtcDateTime), CancellationToken.None);
        Assert.Equal((postings.Count, postings.Sum(p => p.Split.Gross)), ((int)aggregate.Requests, aggregate.Gross));
        var seen = new List<string>();
        await _ledger.FindAsync(models[0], DateOnly.FromDateTime(Day.UtcDateTime), p => { seen.Add(p.Event.EventId); return false; }, CancellationToken.None);
        Assert.Equal(postings.Select(p => p.Event.EventId).Order(), seen.Order()); // every event in exactly one page
        var balance = await new VaultPayables(Tables).BalanceAsync(models[0], CancellationToken.None);
        Assert.Equal(postings.Sum(p => p.OwedToVault), balance.OwedToVault);
        Assert.Equal(postings.Sum(p => p.OwedToTreasury), balance.OwedToTreasury);
    }

    [Fact]
    public async Task Post_CrashBetweenTheLedgerPageAndItsAccrual_RedeliveryAccruesOnce()
    {
        var random = new Random(5);
        var models = new[] { $"cut-{Guid.NewGuid():N}" };
        var postings = Enumerable.Range(0, 150).Select(i => RandomPosting(random, models, i)).ToList();
        // The vault payables' storage is unreachable: the ledger page commits, its accrual fails (the process "dies" there).
        var unreachable = new TableServiceClient(
            System.Text.RegularExpressions.Regex.Replace(LocalStack.Instance.Storage, @"TableEndpoint=http://127\.0\.0\.1:\d+", "TableEndpoint=http://127.0.0.1:9"),
            new TableClientOptions { Retry = { MaxRetries = 0 } });
        var crashing = new SettlementLedger(Tables, new VaultPayables(unreachable));
        await Assert.ThrowsAnyAsync<Exception>(() => crashing.PostAsync(postings, CancellationToken.None));
        var payables = new VaultPayables(Tables);
        Assert.Equal(0, (await payables.BalanceAsync(models[0], CancellationToken.None)).OwedToVault);

        var redelivered = await _ledger.PostAsync(postings, CancellationToken.None); // another instance, after the crash
        var again = await new SettlementLedger(Tables, new VaultPayables(Tables)).PostAsync(postings, CancellationToken.None);

        Assert.Equal((0, 0), (redelivered, again)); // the ledger had them: nothing posts twice
        var balance = await payables.BalanceAsync(models[0], CancellationToken.None);
        Assert.Equal((postings.Sum(p => p.OwedToVault), postings.Sum(p => p.OwedToTreasury)), (balance.OwedToVault, balance.OwedToTreasury));
        Assert.True(balance.OwedToVault > 0);
    }

    [Fact]
    public async Task SettleUsageFunction_ACallOnTheStack_IsPostedWithItsSplit()
    {
        var account = await TestAccount.CreateAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = new StringContent($$"""{"model":"google/gemma-3-27b-it","messages":[{"role":"user","content":"settle me {{string.Join(' ', Enumerable.Repeat("word", 400))}}"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        using var response = await http.SendAsync(request);
        var requestId = response.Headers.GetValues("X-Request-Id").Single();
        var posted = await PostedEvents.FindAsync("google/gemma-3-27b-it", p => p.Event.RequestId == requestId);

        Assert.NotNull(posted);
        var row = posted.Posting;
        Assert.Equal(account.AccountId, row.Event.AccountId);
        var listing = await new Bourse.Listings.ListingStore(Tables).FindAsync("google/gemma-3-27b-it", CancellationToken.None);
        Assert.Equal(listing!.ModelFeeBps, row.CreatorFeeBps); // the model's listing, seeded from the local chain
        Assert.Equal(listing.VaultUsdcAccount, row.Event.Terms?.VaultUsdcAccount);
        Assert.Equal(100, row.ProtocolFeeBps);
        Assert.Equal(row.Split.Gross, row.Split.ProviderPayout + row.Split.CreatorFee + row.Split.ProtocolFee);
        Assert.Equal((await account.CreditsAsync()).GetProperty("posted").GetInt64(), row.Split.Gross);
        Assert.True(row.Split.CreatorFee > 0);
        var payables = new VaultPayables(Tables);
        long? accrued = null;
        for (var i = 0; i < 50 && accrued is null; i++) // the page's vault payable accrues just after the page is written
        {
            accrued = await payables.AccruedToVaultAsync("google/gemma-3-27b-it", posted.Page, CancellationToken.None);
            await Task.Delay(accrued is null ? 100 : 0);
        }

        // The page may hold other calls to the model too: its accrual carries at least this call's creator fee.
        Assert.True(accrued >= row.Split.CreatorFee, $"the creator fee accrued as a vault payable (owed by the treasury): {accrued}");

        System.Text.Json.JsonElement usage = default;
        for (var i = 0; i < 50; i++) // the account's usage is written beside the payable: poll a moment
        {
            using var usageRequest = new HttpRequestMessage(HttpMethod.Get, $"{LocalStack.Instance.Api}/v1/usage");
            usageRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
            using var usageResponse = await http.SendAsync(usageRequest);
            usage = System.Text.Json.JsonDocument.Parse(await usageResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("data").Clone();
            if (usage.GetArrayLength() > 0)
            {
                break;
            }

            await Task.Delay(100);
        }

        var day = Assert.Single(usage.EnumerateArray());
        Assert.Equal((1, account.KeyId, row.Split.Gross), (day.GetProperty("requests").GetInt32(), day.GetProperty("key_id").GetString(), day.GetProperty("cost_micro_usdc").GetInt64()));
    }

    [Fact]
    public async Task SettleUsageFunction_MalformedEvent_GoesToThePoisonQueue()
    {
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var marker = "not-an-event-" + Guid.NewGuid();
        await queues.GetQueueClient(QueueNames.Settlement).SendMessageAsync($$"""{"eventId":"{{marker}}","rail":"credits"}""");
        var poison = queues.GetQueueClient(QueueNames.Settlement + "-poison");

        var found = false;
        for (var i = 0; i < 100 && !found; i++)
        {
            await Task.Delay(100);
            if (await poison.ExistsAsync())
            {
                found = (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(marker, StringComparison.Ordinal));
            }
        }

        Assert.True(found, "the malformed event reached settlement-poison");
    }

    [Fact]
    public async Task SettleUsageFunction_AnArrayWithOneMalformedEntry_PoisonsThatEntryAndPostsTheRest()
    {
        var queues = new QueueServiceClient(LocalStack.Instance.Storage, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var marker = "not-an-event-" + Guid.NewGuid();
        var model = $"mixed-{Guid.NewGuid():N}";
        var good = Enumerable.Range(0, 3).Select(i => new UsageEvent(
            $"evt-{Guid.NewGuid():N}", UsageEvent.CreditsRail, model, "p/m", 10, 20, false, 1_000 + i, $"req-{i}", TimeProvider.System.GetUtcNow(), AccountId: "acct")).ToList();
        var entries = good.Select(u => System.Text.Json.JsonSerializer.Serialize(u, Bourse.Json.BourseJsonContext.Default.UsageEvent)).ToList();
        entries.Insert(1, $$"""{"eventId":"{{marker}}","rail":"credits"}""");
        await queues.GetQueueClient(QueueNames.Settlement).SendMessageAsync("[" + string.Join(',', entries) + "]");

        var posted = await Task.WhenAll(good.Select(u => PostedEvents.FindAsync(model, p => p.Event.EventId == u.EventId)));
        var poison = queues.GetQueueClient(QueueNames.Settlement + "-poison");
        var found = false;
        for (var i = 0; i < 100 && !found; i++)
        {
            found = await poison.ExistsAsync() && (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(marker, StringComparison.Ordinal));
            await Task.Delay(found ? 0 : 100);
        }

        Assert.All(posted, Assert.NotNull);
        Assert.Equal(good.Select(u => u.CostMicroUsdc), posted.Select(p => p!.Posting.Split.Gross));
        Assert.True(found, "the malformed entry reached settlement-poison");
    }

    internal static SettlementPosting RandomPosting(Random random, string[] models, int i)
    {
        var x402 = random.Next(3) == 0;
        var gross = random.Next(10) == 0 ? random.NextInt64(0, 10_000_000_000) : random.NextInt64(0, 200_000);
        var usage = new UsageEvent(
            $"evt-{Guid.NewGuid():N}", x402 ? UsageEvent.X402Rail : UsageEvent.CreditsRail, models[random.Next(models.Length)],
            $"provider{random.Next(3)}/model", random.Next(0, 5_000), random.Next(0, 5_000), random.Next(5) == 0, gross, $"req-{i}",
            Day.AddSeconds(random.Next(0, 86_399)),
            AccountId: x402 ? null : $"acct-{random.Next(20)}",
            AmountPaidMicroUsdc: x402 ? gross : null);
        // Two in three calls are to a listed model (a vault, a fee); an x402 one paid its vault or the treasury.
        var terms = random.Next(3) == 0
            ? ChargeTerms.Unlisted
            : new ChargeTerms(random.Next(0, 1_000), "mint", "vault-owner", "vault", PayTo: x402 ? (random.Next(2) == 0 ? "vault-owner" : "treasury") : null);
        return SettlementPosting.For(usage with { Terms = terms }, random.Next(0, 300));
    }
}
