using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Routing;

/// <summary>A fresh account on the running stack, made through the admin API: its key and its credits.</summary>
internal sealed record TestAccount(string AccountId, string ApiKey, string KeyId)
{
    private static readonly HttpClient Http = new();

    public static async Task<TestAccount> CreateAsync(long depositMicroUsdc = 10_000_000, int? rpmLimit = null, long? spendCapMicroUsdc = null)
    {
        var accountId = "test-" + Guid.NewGuid().ToString("N")[..12];
        using var create = Admin(HttpMethod.Post, $"admin/accounts/{accountId}/keys", new { name = "test", rpmLimit, spendCapMicroUsdc });
        using var created = await Http.SendAsync(create);
        created.EnsureSuccessStatusCode();
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        if (depositMicroUsdc > 0)
        {
            await DepositAsync(accountId, depositMicroUsdc);
        }

        return new TestAccount(accountId, key.GetProperty("key").GetString()!, key.GetProperty("id").GetString()!);
    }

    public static async Task DepositAsync(string accountId, long amount)
    {
        using var deposit = Admin(HttpMethod.Post, $"admin/accounts/{accountId}/deposits", new { depositId = Guid.NewGuid().ToString(), amountMicroUsdc = amount });
        (await Http.SendAsync(deposit)).EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The account's credits once no hold is pending (or after 10 s): a streamed call is captured just
    /// after its last byte, so a client that read [DONE] can look a moment before the server settled.
    /// </summary>
    public async Task<JsonElement> CreditsAsync()
    {
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (true)
        {
            var credits = await CreditsNowAsync();
            if (credits.GetProperty("pending").GetInt64() == 0 || TimeProvider.System.GetUtcNow() > deadline)
            {
                return credits;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>GET /api/v1/credits as it is right now.</summary>
    public async Task<JsonElement> CreditsNowAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{LocalStack.Instance.Api}/v1/credits");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path, object body)
    {
        var request = new HttpRequestMessage(method, $"{LocalStack.Instance.Api}/{path}") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LocalStack.Instance.AdminToken);
        return request;
    }
}
