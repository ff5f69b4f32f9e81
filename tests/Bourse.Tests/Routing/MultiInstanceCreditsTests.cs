using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Bourse.Accounts;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Routing;

/// <summary>
/// Rail 1 on two host instances sharing one Azurite: the stack's host and a second process started with
/// the same settings. Leases, idempotency and key revocation must hold across instances.
/// </summary>
public sealed partial class MultiInstanceCreditsTests : IClassFixture<MultiInstanceCreditsTests.SecondInstance>
{
    /// <summary>
    /// A model no other test injects failures into: a test that makes deepseek-chat fail opens its circuit for
    /// 30 s on the stack's host, and calls running meanwhile would get 503s that have nothing to do with credits.
    /// </summary>
    private const string Model = "Qwen/Qwen3-235B-A22B";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(120) };
    private readonly SecondInstance _second;
    private readonly TableClient _credits = new TableServiceClient(LocalStack.Instance.Storage).GetTableClient(TableNames.CreditAccounts);

    public MultiInstanceCreditsTests(SecondInstance second) => _second = second;

    [Fact]
    public async Task ThousandConcurrentCalls_AccountFundedForTen_AtMostTenServedAndEveryLeaseAccountedFor()
    {
        // The provider reports more usage than any hold allows, so each served call costs exactly its worst case:
        // ten calls use up the deposit however the thousand overlap, and an eleventh would be an overspend.
        var body = Body(Model, "[[sim:greedy]] funded for ten", maxTokens: 2_000);
        var worstCase = await WorstCaseAsync(body);
        var account = await TestAccount.CreateAsync(depositMicroUsdc: 10 * worstCase);
        var apis = new[] { LocalStack.Instance.Api, _second.Host.Api };

        var responses = await Task.WhenAll(Enumerable.Range(0, 1_000).Select(async i =>
        {
            using var response = await SendAsync(apis[i % 2], account.ApiKey, body);
            return response.StatusCode;
        }));
        var served = responses.Count(s => s == HttpStatusCode.OK);

        Assert.All(responses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.PaymentRequired, s.ToString()));
        Assert.InRange(served, 1, 10);
        var during = await BalanceAsync(account.AccountId);
        Assert.InRange(during.Available, 0, during.Deposited);
        Assert.Equal(during.Leased, (await LeasesAsync(account.AccountId)).Sum(l => l.Amount));

        // The second instance stops (releasing its lease), the janitor runs; the first instance's buffered
        // charges are committed when its owner reads the credits.
        await _second.RestartAsync();
        await RunAsync(LocalStack.Instance.Admin, "ExpireLeases");
        var credits = await account.CreditsAsync();
        var after = await BalanceAsync(account.AccountId);
        var leases = await LeasesAsync(account.AccountId);

        Assert.Equal(after.Leased, leases.Sum(l => l.Amount)); // the balance's lease total is exactly the live leases
        Assert.DoesNotContain(leases, l => l.Instance != leases[0].Instance); // only the first instance still holds one
        Assert.Equal(served * worstCase, after.Posted); // each served call charged its whole hold, none lost, none twice
        Assert.True(after.Available >= 0, "the balance never goes below zero");
        Assert.Equal(after.Posted, credits.GetProperty("posted").GetInt64());
    }

    [Fact]
    public async Task InstanceKilledMidFlight_JanitorReleasesItsLease_BalanceIsDepositsMinusFlushedChargesExactly()
    {
        var account = await TestAccount.CreateAsync(depositMicroUsdc: 50_000_000);
        await using var doomed = await HostInstance.StartAsync(new Dictionary<string, string> { ["Accounts__LeaseLifetime"] = "00:00:03" });
        var prices = await PricesAsync();
        long expected = 0;
        for (var i = 0; i < 5; i++)
        {
            using var response = await SendAsync(doomed.Api, account.ApiKey, Body(Model, $"billed {i}", maxTokens: 8));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var usage = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("usage");
            var (input, output) = prices[response.Headers.GetValues("X-Bourse-Model-Id").Single()];
            expected += Cost(input, usage.GetProperty("prompt_tokens").GetInt64()) + Cost(output, usage.GetProperty("completion_tokens").GetInt64());
        }

        await WaitForAsync(async () => (await BalanceAsync(account.AccountId)).Posted == expected, "the five calls' charges are flushed");

        // A long stream is in flight when the instance dies: it was reserved from the lease, never charged.
        using (var streaming = new HttpRequestMessage(HttpMethod.Post, $"{doomed.Api}/v1/chat/completions")
        {
            Content = new StringContent(Body(Model, "[[sim:slow]] " + string.Join(' ', Enumerable.Repeat("word", 100)), maxTokens: 100, stream: true), Encoding.UTF8, "application/json"),
        })
        {
            streaming.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
            using var response = await Http.SendAsync(streaming, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
            Assert.NotEmpty(await LeasesAsync(account.AccountId));
            doomed.Kill();
        }

        await WaitForAsync(async () =>
        {
            await RunAsync(LocalStack.Instance.Admin, "ExpireLeases");
            return (await LeasesAsync(account.AccountId)).Count == 0;
        }, "the janitor releases the dead instance's lease once it expires");
        var balance = await BalanceAsync(account.AccountId);

        Assert.Equal((50_000_000L, 0L, 0L, expected), (balance.Deposited, balance.Leased, balance.Pending, balance.Posted));
        Assert.Equal(50_000_000 - expected, balance.Available);
    }

    [Fact]
    public async Task RevokedKey_RefusedByTheOtherInstanceWithinTheStatedBound()
    {
        var account = await TestAccount.CreateAsync();
        using (var first = await SendAsync(_second.Host.Api, account.ApiKey, Body(Model, "cached")))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode); // the second instance now has the key in memory
        }

        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"{LocalStack.Instance.Api}/v1/keys/{account.KeyId}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(revoke)).StatusCode);
        var revokedAt = TimeProvider.System.GetTimestamp();
        using (var here = await SendAsync(LocalStack.Instance.Api, account.ApiKey, Body(Model, "revoked here")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, here.StatusCode); // the revoking instance: at once
        }

        while (true)
        {
            using var there = await SendAsync(_second.Host.Api, account.ApiKey, Body(Model, "revoked there?"));
            var elapsed = TimeProvider.System.GetElapsedTime(revokedAt);
            if (there.StatusCode == HttpStatusCode.Unauthorized)
            {
                Assert.True(elapsed <= ApiKeys.RevocationBound + TimeSpan.FromSeconds(1), $"refused after {elapsed}");
                return;
            }

            Assert.Equal(HttpStatusCode.OK, there.StatusCode);
            Assert.True(elapsed <= ApiKeys.RevocationBound + TimeSpan.FromSeconds(1), $"still served {elapsed} after the revocation");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task IdempotencyKey_RetriedOnTheOtherInstance_ChargedOnce()
    {
        var account = await TestAccount.CreateAsync();
        var body = Body(Model, "once across instances");

        using var first = await SendAsync(LocalStack.Instance.Api, account.ApiKey, body, "cross-1");
        var answer = await first.Content.ReadAsStringAsync();
        var charged = (await account.CreditsAsync()).GetProperty("posted").GetInt64();
        using var retry = await SendAsync(_second.Host.Api, account.ApiKey, body, "cross-1");

        // Both at once, one on each instance: one runs, the other is told it is running or gets its answer.
        var concurrent = await Task.WhenAll(
            SendAsync(LocalStack.Instance.Api, account.ApiKey, Body(Model, "racing"), "cross-2"),
            SendAsync(_second.Host.Api, account.ApiKey, Body(Model, "racing"), "cross-2"));
        await account.CreditsAsync(); // exact holds are billed just after their last byte: wait until none is pending
        var charges = await ChargesAsync(account.AccountId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(answer, await retry.Content.ReadAsStringAsync());
        Assert.True(charged > 0);
        Assert.Contains(concurrent, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(concurrent, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        Assert.Equal(2, charges); // cross-1 once, cross-2 once
        foreach (var r in concurrent)
        {
            r.Dispose();
        }
    }

    private static string Body(string model, string content, int? maxTokens = null, bool stream = false) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = model, ["messages"] = new[] { new { role = "user", content } }, ["max_tokens"] = maxTokens, ["stream"] = stream,
        }.Where(p => p.Value is not null).ToDictionary());

    private static async Task<HttpResponseMessage> SendAsync(string api, string key, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{api}/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>The most a call with this body may cost, as the rail states it when it refuses an account that cannot cover it.</summary>
    private static async Task<long> WorstCaseAsync(string body)
    {
        var probe = await TestAccount.CreateAsync(depositMicroUsdc: 1);
        using var refused = await SendAsync(LocalStack.Instance.Api, probe.ApiKey, body);
        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var message = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("message").GetString()!;
        return long.Parse(CostUpTo().Match(message).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<Dictionary<string, (long Input, long Output)>> PricesAsync()
    {
        var models = await Http.GetFromJsonAsync<JsonElement>($"{LocalStack.Instance.Api}/models");
        var prices = new Dictionary<string, (long, long)>();
        foreach (var model in models.GetProperty("data").EnumerateArray())
        {
            foreach (var offer in model.GetProperty("offers").EnumerateArray())
            {
                prices[offer.GetProperty("id").GetString()!] = (offer.GetProperty("input").GetInt64(), offer.GetProperty("output").GetInt64());
            }
        }

        return prices;
    }

    private static long Cost(long perMillion, long tokens) => ((perMillion * tokens) + 999_999) / 1_000_000;

    private async Task<CreditBalance> BalanceAsync(string accountId)
    {
        var row = (await _credits.GetEntityAsync<TableEntity>(accountId, CreditAccountTable.BalanceRow)).Value;
        return CreditAccountTable.ToBalance(row);
    }

    private async Task<List<(string Instance, long Amount)>> LeasesAsync(string accountId)
    {
        var leases = new List<(string, long)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {LeaseRows.Prefix} and RowKey lt {"lease}"}");
        await foreach (var row in _credits.QueryAsync<TableEntity>(filter))
        {
            leases.Add((row.RowKey[LeaseRows.Prefix.Length..], row.GetInt64("Amount") ?? 0));
        }

        return leases;
    }

    /// <summary>Calls charged on the account: the requests counted in its usage-by-day rows (written with each charge).</summary>
    private async Task<long> ChargesAsync(string accountId)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {accountId} and RowKey ge {UsageTotals.RowPrefix} and RowKey lt {"usage}"}");
        long requests = 0;
        await foreach (var row in _credits.QueryAsync<TableEntity>(filter))
        {
            requests += row.GetInt64("Requests") ?? 0;
        }

        return requests;
    }

    private static async Task RunAsync(string admin, string function)
    {
        using var response = await Http.PostAsync($"{admin}/functions/{function}", JsonContent.Create(new { input = "" }));
        response.EnsureSuccessStatusCode();
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(60);
        while (!await condition())
        {
            Assert.True(TimeProvider.System.GetUtcNow() < deadline, "timed out waiting until " + what);
            await Task.Delay(250);
        }
    }

    [GeneratedRegex(@"may cost up to (\d+) micro-USDC")]
    private static partial Regex CostUpTo();

    /// <summary>The second instance, shared by the tests of this class.</summary>
    public sealed class SecondInstance : IAsyncLifetime
    {
        private HostInstance? _host;

        internal HostInstance Host => _host!;

        public async Task InitializeAsync() => _host = await HostInstance.StartAsync();

        /// <summary>A graceful stop and a fresh start (a new instance id).</summary>
        public async Task RestartAsync()
        {
            await _host!.StopAsync();
            await _host.DisposeAsync();
            _host = await HostInstance.StartAsync();
        }

        public async Task DisposeAsync()
        {
            if (_host is not null)
            {
                await _host.DisposeAsync();
            }
        }
    }
}
