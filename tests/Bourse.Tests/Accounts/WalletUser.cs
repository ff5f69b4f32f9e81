using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bourse.Solana;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Accounts;

/// <summary>A wallet that signs in to the running stack over HTTP (SIWS), and calls routes with its session.</summary>
internal sealed class WalletUser(Keypair keypair)
{
    public static readonly HttpClient Http = new();

    public Keypair Keypair { get; } = keypair;

    public string Address => Keypair.PublicKey.ToString();

    public string? Token { get; private set; }

    public static async Task<WalletUser> SignedInAsync(Keypair? keypair = null)
    {
        var user = new WalletUser(keypair ?? Keypair.Generate());
        await user.SignInAsync();
        return user;
    }

    public async Task<JsonElement> ChallengeAsync()
    {
        using var response = await Http.PostAsJsonAsync($"{LocalStack.Instance.Api}/auth/challenge", new { address = Address });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public string Sign(string message) => SimpleBase.Base58.Bitcoin.Encode(Keypair.Sign(Encoding.UTF8.GetBytes(message)));

    public static Task<HttpResponseMessage> SessionAsync(string address, string nonce, string signature) =>
        Http.PostAsJsonAsync($"{LocalStack.Instance.Api}/auth/session", new { address, nonce, signature });

    public async Task SignInAsync()
    {
        var challenge = await ChallengeAsync();
        using var response = await SessionAsync(Address, challenge.GetProperty("nonce").GetString()!, Sign(challenge.GetProperty("message").GetString()!));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? bearer = null)
    {
        var request = new HttpRequestMessage(method, $"{LocalStack.Instance.Api}/{path}");
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer ?? Token);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> GetJsonAsync(string path, string? bearer = null)
    {
        using var response = await SendAsync(HttpMethod.Get, path, bearer: bearer);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Asserts a problem-details answer with this status.</summary>
    public static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal((int)status, json.RootElement.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("title").GetString()));
    }
}
