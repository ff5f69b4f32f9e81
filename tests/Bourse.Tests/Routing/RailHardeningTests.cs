using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Routing;

/// <summary>
/// Both rails against bad input and odd providers, on the running stack: a clear 4xx in the rail's
/// format, never a 5xx for the client's mistake, and no money for an answer that was not served.
/// </summary>
public sealed class RailHardeningTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static TheoryData<string, string, string?> MalformedBodies => new()
    {
        { "tool name a number", """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":5}}]}""", "tools[0].function.name" },
        { "stream a string", """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream" },
        { "stream a number", """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"stream":1}""", "stream" },
        { "stream an object", """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"stream":{}}""", "stream" },
        { "stream_options a string", """{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"stream":true,"stream_options":"x"}""", "stream_options" },
        { "content part a string", """{"model":"deepseek-chat","messages":[{"role":"user","content":["hi"]}]}""", "messages[0].content[0]" },
        { "content part text a number", """{"model":"deepseek-chat","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text" },
        { "duplicate keys", """{"model":"deepseek-chat","model":"deepseek-chat","messages":[{"role":"user","content":"hi"}]}""", null },
        { "lone surrogate", """{"model":"deepseek-chat","messages":[{"role":"user","content":"\ud800 hi"}]}""", null },
        { "invalid utf-8", "INVALID_UTF8", null },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task Credits_MalformedBody_400InTheOpenAIEnvelopeNothingHeldOrCharged(string name, string body, string? param)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Bytes(body));
        var text = await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }

        Assert.Equal((0L, 0L), (credits.GetProperty("posted").GetInt64(), credits.GetProperty("pending").GetInt64()));
    }

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task X402_UnpaidMalformedBody_402ChallengeWithTerms(string name, string body, string? param)
    {
        _ = param;
        using var content = new ByteArrayContent(Bytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await Http.PostAsync($"{LocalStack.Instance.Api}/x402/v1/chat/completions", content);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.PaymentRequired, $"{name}: {(int)response.StatusCode} {text}");
        Assert.True(response.Headers.Contains("PAYMENT-REQUIRED"));
        Assert.Equal(1, JsonDocument.Parse(text).RootElement.GetProperty("x402Version").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Credits_ProviderAnswersWithUnexpectedTypes_RelayedAndBilledNoCrash(bool stream)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Encoding.UTF8.GetBytes(Body("deepseek-chat", "[[sim:oddtypes]] hi", stream)));
        var text = await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsAsync();
        for (var i = 0; i < 100 && credits.GetProperty("posted").GetInt64() == 0; i++) // billing runs after the last byte, off the response path
        {
            await Task.Delay(100);
            credits = await account.CreditsAsync();
        }

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {text}");
        Assert.Equal("deepseek/deepseek-chat", response.Headers.GetValues("X-Bourse-Model-Id").Single());
        if (stream)
        {
            Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal("deepseek-chat", JsonDocument.Parse(text).RootElement.GetProperty("model").GetString());
        }

        Assert.True(credits.GetProperty("posted").GetInt64() > 0, "served, so billed (on an estimate)");
        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Credits_ProviderAnswersInTheWrongShape_502NothingCharged(bool stream)
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Encoding.UTF8.GetBytes(Body("deepseek-chat", "[[sim:notjson]] hi", stream)));
        var text = await response.Content.ReadAsStringAsync();
        var credits = await account.CreditsAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"{(int)response.StatusCode} {text}");
        Assert.Equal("upstream_failed", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal((0L, 0L), (credits.GetProperty("posted").GetInt64(), credits.GetProperty("pending").GetInt64()));
    }

    [Fact]
    public async Task Stream_BrokenMidStream_TheErrorEventIsOneDataLine()
    {
        var account = await TestAccount.CreateAsync();

        using var response = await SendAsync(account, Encoding.UTF8.GetBytes(Body("deepseek-ai/DeepSeek-R1", "[[sim:midstream]] hi", stream: true)));
        var text = await response.Content.ReadAsStringAsync();

        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.Matches(@"^data: [^\n]+$", e));
        var last = JsonDocument.Parse(events[^1]["data: ".Length..]).RootElement;
        Assert.Equal("upstream_stream_interrupted", last.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Credits_ClientsAbortEarly_NoHoldIsLeftPending()
    {
        var account = await TestAccount.CreateAsync();
        var random = new Random(1234);

        await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(random.Next(0, 150)));
            try
            {
                using var response = await SendAsync(account, Encoding.UTF8.GetBytes(Body("deepseek-chat", $"abort {i}")), cancellationToken: cancel.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }));
        // The calls left behind finish one by one on the account's ledger (serialised per account): a slow stack
        // drains them slowly, a leaked hold never (its lifetime is 15 minutes).
        var credits = await account.CreditsNowAsync();
        for (var waited = 0; waited < 600 && credits.GetProperty("pending").GetInt64() != 0; waited++)
        {
            await Task.Delay(100);
            credits = await account.CreditsNowAsync();
        }

        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
        Assert.Empty(credits.GetProperty("open_holds").EnumerateArray());
    }

    [Fact]
    public async Task IdempotencyKey_OfACallThatFailedBeforeAnyToken_TheRetryRuns()
    {
        var account = await TestAccount.CreateAsync();
        // A 200 that is not a chat completion: failed before any token, without touching the offer's breaker (shared by other tests).
        var body = Encoding.UTF8.GetBytes(Body("deepseek-chat", "[[sim:notjson]] retry me"));

        using var first = await SendAsync(account, body, "failed-1");
        using var retry = await SendAsync(account, body, "failed-1");

        Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, retry.StatusCode); // ran again (and failed again), not 409 "completed already"
        Assert.Equal("upstream_failed", (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task IdempotencyKey_Replay_HasTheRequestAndModelHeadersAndKeyOrderDoesNotMatter()
    {
        var account = await TestAccount.CreateAsync();

        using var first = await SendAsync(account, """{"model":"deepseek-chat","messages":[{"role":"user","content":"ordered"}],"max_tokens":8}"""u8.ToArray(), "order-1");
        using var again = await SendAsync(account, """{ "max_tokens": 8, "messages": [ { "content": "ordered", "role": "user" } ], "model": "deepseek-chat" }"""u8.ToArray(), "order-1");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.GetValues("X-Bourse-Model-Id").Single(), again.Headers.GetValues("X-Bourse-Model-Id").Single());
        Assert.StartsWith("req_", again.Headers.GetValues("X-Request-Id").Single(), StringComparison.Ordinal);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OwnerRoutes_KeyPastItsPerMinuteLimit_429WithRetryAfter()
    {
        var account = await TestAccount.CreateAsync(rpmLimit: 1);

        await account.CreditsNowAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{LocalStack.Instance.Api}/v1/credits");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        using var limited = await Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        Assert.Equal("rate_limit_exceeded", (await limited.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("code").GetString());
    }

    private static byte[] Bytes(string body) => body == "INVALID_UTF8"
        ? [.. """{"model":"deepseek-chat","messages":[{"role":"user","content":"h"""u8, 0xC3, 0x28, 0xFF, 0xFE, .. "\"}]}"u8]
        : Encoding.UTF8.GetBytes(body);

    private static string Body(string model, string content, bool stream = false) =>
        JsonSerializer.Serialize(new { model, messages = new[] { new { role = "user", content } }, stream });

    private static async Task<HttpResponseMessage> SendAsync(TestAccount account, byte[] body, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/v1/chat/completions") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", account.ApiKey);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await Http.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return response;
    }
}
