using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Routing;

/// <summary>Rail 1 over plain HTTP (no SDK retries), against the local stack and the upstream simulator's failure injection.</summary>
public sealed class ChatCompletionsHttpTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Completion_CheapestOfferFailsBeforeFirstByte_NextOfferServes()
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Body("google/gemma-3-27b-it", "[[sim:500@huggingface]] hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chutes/unsloth/gemma-3-27b-it", response.Headers.GetValues("X-Bourse-Model-Id").Single());
    }

    [Theory]
    [InlineData("429")]
    [InlineData("503")]
    public async Task Completion_CheapestOfferRefuses_FailsOver(string mode)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Body("deepseek-ai/DeepSeek-R1", $"[[sim:{mode}@chutes]] hi", stream: true));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("huggingface/deepseek-ai/DeepSeek-R1", response.Headers.GetValues("X-Bourse-Model-Id").Single());
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Completion_CreditsReadRightAfterTheAnswer_ShowItsCharge(bool stream)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Body("Qwen/Qwen3-235B-A22B", "hi", stream)); // a model no test injects failures into (breakers are shared)
        await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsNowAsync(); // no waiting: billed before the last byte went out

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(credits.GetProperty("posted").GetInt64() > 0, credits.ToString());
    }

    [Fact]
    public async Task Completion_EveryOfferFails_502EnvelopeNothingChargedNoUpstreamDetail()
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Body("deepseek-chat", "[[sim:500]] hi"));
        var body = await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsAsync();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_failed", JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.DoesNotContain(new Uri(LocalStack.Instance.Upstream).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), body, StringComparison.Ordinal);
        Assert.Equal((0L, 0L), (credits.GetProperty("posted").GetInt64(), credits.GetProperty("pending").GetInt64()));
    }

    [Fact]
    public async Task Stream_ProviderDiesMidStream_ErrorEventEndsItAndTheProducedPartIsBilled()
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Body("moonshot-v1-32k", "[[sim:midstream]] hi", stream: true));
        var text = await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"upstream_stream_interrupted\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.True(credits.GetProperty("posted").GetInt64() > 0);
        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
    }

    [Fact]
    public async Task Stream_ClientDisconnectsMidStream_TheOpenHoldIsShownThenWhatWasProducedIsBilledAndTheHoldReleased()
    {
        var account = await TestAccount.CreateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = new StringContent(Body("moonshot-v1-32k", "[[sim:slow]] " + string.Join(' ', Enumerable.Repeat("word", 150)), stream: true, maxTokens: 200), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);

        using (var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync(), StringComparison.Ordinal);
            var during = await account.CreditsNowAsync();
            var hold = Assert.Single(during.GetProperty("open_holds").EnumerateArray());
            Assert.Equal((during.GetProperty("pending").GetInt64(), account.KeyId), (hold.GetProperty("amount").GetInt64(), hold.GetProperty("key_id").GetString()));
            Assert.True(hold.GetProperty("amount").GetInt64() > 0);
        } // the client goes away after the first event

        var credits = await account.CreditsAsync();

        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
        Assert.Empty(credits.GetProperty("open_holds").EnumerateArray());
        Assert.True(credits.GetProperty("posted").GetInt64() > 0, "the prompt and what was produced are billed");
    }

    [Fact]
    public async Task Stream_ClientDidNotAskForUsage_UsageChunkIsStripped()
    {
        var account = await TestAccount.CreateAsync();

        using var plain = await SendAsync(account, Body("deepseek-chat", "hi", stream: true));
        using var asked = await SendAsync(account, Body("deepseek-chat", "hi", stream: true, includeUsage: true));

        Assert.DoesNotContain("\"usage\"", await plain.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("\"prompt_tokens\"", await asked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Offer_KeepsFailing_CircuitOpensAndItIsNoLongerCalled()
    {
        var account = await TestAccount.CreateAsync();
        var before = await HitsAsync("moonshot");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await SendAsync(account, Body("kimi-k2.6", "[[sim:500@moonshot]] hi"));
            statuses.Add(response.StatusCode);
        }

        var calls = await HitsAsync("moonshot") - before;
        Assert.Equal(3, calls); // the breaker's minimum throughput, then it opened
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadGateway, 3), .. Enumerable.Repeat(HttpStatusCode.ServiceUnavailable, 3)], statuses);
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"deepseek-chat","messages":[]}""", "messages")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"max_completion_tokens":-1}""", "max_completion_tokens")]
    [InlineData("""{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"n":0}""", "n")]
    public async Task Completion_BadBody_400NamesTheParam(string body, string param)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, body);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Completion_NoKeyOrRevokedKey_401()
    {
        var account = await TestAccount.CreateAsync();
        using var revoke = new HttpRequestMessage(HttpMethod.Delete, $"{LocalStack.Instance.Api}/v1/keys/{account.KeyId}");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        using var missing = await Http.PostAsync($"{LocalStack.Instance.Api}/v1/chat/completions", new StringContent(Body("deepseek-chat", "hi"), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(revoke)).StatusCode);
        using var revoked = await SendAsync(account, Body("deepseek-chat", "hi"));

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.Equal("invalid_api_key", (await revoked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Completion_CreditsCannotCoverTheHold_402BeforeAnyUpstreamCall()
    {
        var account = await TestAccount.CreateAsync(depositMicroUsdc: 10);
        var before = await HitsAsync("cerebras"); // only this test routes to Cerebras

        using var response = await SendAsync(account, Body("llama-3.3-70b", "hi", maxTokens: 100_000));

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("insufficient_credits", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(before, await HitsAsync("cerebras"));
    }

    [Fact]
    public async Task IdempotencyKey_SameRequestTwice_ChargedOnceAndTheRetryGetsTheSameAnswer()
    {
        var account = await TestAccount.CreateAsync();
        var body = Body("deepseek-chat", "once only");
        async Task<long> PostedAsync() => (await account.CreditsAsync()).GetProperty("posted").GetInt64();

        using var first = await SendAsync(account, body, idempotencyKey: "k-1");
        var answer = await first.Content.ReadAsStringAsync();
        var charged = await PostedAsync();
        using var again = await SendAsync(account, body, idempotencyKey: "k-1");
        var afterReplay = await PostedAsync();
        using var other = await SendAsync(account, Body("deepseek-chat", "a different body"), idempotencyKey: "k-1");
        using var streamed = await SendAsync(account, Body("deepseek-chat", "streamed once", stream: true), idempotencyKey: "k-2");
        await streamed.Content.ReadAsStringAsync();
        var afterStream = await PostedAsync();
        using var streamedAgain = await SendAsync(account, Body("deepseek-chat", "streamed once", stream: true), idempotencyKey: "k-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(answer, await again.Content.ReadAsStringAsync());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.True(charged > 0);
        Assert.Equal(charged, afterReplay);
        Assert.Equal((HttpStatusCode)422, other.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, streamedAgain.StatusCode); // a stream is not kept to replay
        Assert.Equal(afterStream, await PostedAsync());
    }

    [Fact]
    public async Task ParallelRequests_SmallBalance_PostedChargesNeverExceedDeposits()
    {
        const long Deposit = 40_000;
        var account = await TestAccount.CreateAsync(Deposit);

        var responses = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => SendAsync(account, Body("deepseek-chat", $"parallel {i}", maxTokens: 10_000))));
        var credits = await account.CreditsAsync();

        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.PaymentRequired);
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.PaymentRequired, r.StatusCode.ToString()));
        Assert.InRange(credits.GetProperty("posted").GetInt64(), 1, Deposit);
        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    private static string Body(string model, string content, bool stream = false, bool includeUsage = false, int? maxTokens = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["model"] = model,
            ["messages"] = new[] { new { role = "user", content } },
            ["stream"] = stream,
            ["stream_options"] = includeUsage ? new { include_usage = true } : null,
            ["max_tokens"] = maxTokens,
        }.Where(p => p.Value is not null).ToDictionary());

    private static async Task<HttpResponseMessage> SendAsync(TestAccount account, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task<int> HitsAsync(string provider)
    {
        var stats = await Http.GetFromJsonAsync<JsonElement>($"{LocalStack.Instance.Upstream}/_stats");
        return stats.TryGetProperty(provider, out var hits) ? hits.GetInt32() : 0;
    }
}
