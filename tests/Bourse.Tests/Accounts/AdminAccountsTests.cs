using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Accounts;

/// <summary>The operator's routes refuse what storage cannot hold or what contradicts an earlier request: 400/409 problem details, never a 500.</summary>
public sealed class AdminAccountsTests
{
    private static readonly HttpClient Http = new();

    public static TheoryData<string> BadAccountIds => new()
    {
        "a%23b", "a%3Fb", "a%5Cb", "a%01b", "a%7Fb", new string('a', 1100),
    };

    [Theory]
    [MemberData(nameof(BadAccountIds))]
    public async Task Keys_AccountIdStorageCannotHold_400ProblemDetails(string accountId)
    {
        using var response = await SendAsync($"admin/accounts/{accountId}/keys", """{"name":"x"}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(BadAccountIds))]
    public async Task Deposits_AccountIdStorageCannotHold_400ProblemDetails(string accountId)
    {
        using var response = await SendAsync($"admin/accounts/{accountId}/deposits", """{"depositId":"d1","amountMicroUsdc":5}""");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("""{"depositId":5,"amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"a/b","amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"a#b","amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"a?b","amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"a\\b","amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"a\u0007b","amountMicroUsdc":5}""")]
    [InlineData("""{"depositId":"d","amountMicroUsdc":"5"}""")]
    [InlineData("""{"depositId":"d","amountMicroUsdc":1.5}""")]
    [InlineData("""{"depositId":"d","amountMicroUsdc":5,"depositId":"e"}""")]
    [InlineData("""[1]""")]
    [InlineData("""{"depositId":"d","amountMicroUsdc":""")]
    public async Task Deposits_BadBody_400ProblemDetails(string body)
    {
        using var response = await SendAsync($"admin/accounts/{Account()}/deposits", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Deposits_LongDepositId_400ProblemDetails()
    {
        using var response = await SendAsync($"admin/accounts/{Account()}/deposits", JsonSerializer.Serialize(new { depositId = new string('d', 1100), amountMicroUsdc = 5 }));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Deposits_ThatWouldOverflowTheBalance_400AndTheBalanceIsUnchanged()
    {
        var account = Account();
        using var first = await SendAsync($"admin/accounts/{account}/deposits", JsonSerializer.Serialize(new { depositId = "big", amountMicroUsdc = long.MaxValue - 10 }));
        using var overflow = await SendAsync($"admin/accounts/{account}/deposits", JsonSerializer.Serialize(new { depositId = "more", amountMicroUsdc = 11 }));
        using var fits = await SendAsync($"admin/accounts/{account}/deposits", JsonSerializer.Serialize(new { depositId = "fits", amountMicroUsdc = 10 }));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(overflow, HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        Assert.Equal(long.MaxValue, (await fits.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deposited").GetInt64());
    }

    [Fact]
    public async Task Deposits_SameIdAgain_SameAmountIsAReplayDifferentAmountIs409()
    {
        var account = Account();
        var path = $"admin/accounts/{account}/deposits";

        using var first = await SendAsync(path, """{"depositId":"dep-1","amountMicroUsdc":700}""");
        using var replay = await SendAsync(path, """{"depositId":"dep-1","amountMicroUsdc":700}""");
        using var conflict = await SendAsync(path, """{"depositId":"dep-1","amountMicroUsdc":900}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(700, (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deposited").GetInt64());
        await AssertProblemAsync(conflict, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"name":5}""")]
    [InlineData("""{"name":"x","rpmLimit":"many"}""")]
    [InlineData("""{"name":"x","spendCapMicroUsdc":-1}""")]
    [InlineData("""{"name":"x",""")]
    public async Task Keys_BadBody_400ProblemDetails(string body)
    {
        using var response = await SendAsync($"admin/accounts/{Account()}/keys", body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Keys_NameOverSixtyFourKilobytes_400ProblemDetails()
    {
        using var response = await SendAsync($"admin/accounts/{Account()}/keys", JsonSerializer.Serialize(new { name = new string('n', 70_000) }));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    private static string Account() => "admin-" + Guid.NewGuid().ToString("N")[..12];

    private static async Task<HttpResponseMessage> SendAsync(string path, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{LocalStack.Instance.Api}/{path}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalStack.Instance.AdminToken);
        var response = await Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
