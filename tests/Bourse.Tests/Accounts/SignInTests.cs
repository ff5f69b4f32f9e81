using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.SignIn;
using Bourse.Solana;
using Bourse.Storage;
using Bourse.Tests.Infrastructure;
using Bourse.Tests.Routing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bourse.Tests.Accounts;

/// <summary>Sign-In-With-Solana on the running stack (HTTP), and the clock-bound refusals on Azurite with a fake clock.</summary>
public sealed class SignInTests
{
    [Fact]
    public async Task Challenge_IsASiwsMessageForTheAddress_AndItsSignatureOpensASession()
    {
        var user = new WalletUser(Keypair.Generate());
        var challenge = await user.ChallengeAsync();
        var message = challenge.GetProperty("message").GetString()!;
        var nonce = challenge.GetProperty("nonce").GetString()!;

        var lines = message.Split('\n');
        Assert.EndsWith(" wants you to sign in with your Solana account:", lines[0]);
        Assert.Equal(user.Address, lines[1]);
        Assert.Contains("URI: http://127.0.0.1:", message);
        Assert.Contains("Version: 1", lines);
        Assert.Contains("Chain ID: localnet", lines);
        Assert.Contains($"Nonce: {nonce}", lines);
        Assert.Contains(lines, l => l.StartsWith("Issued At: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Expiration Time: ", StringComparison.Ordinal));
        Assert.True(challenge.GetProperty("expiresAt").GetDateTimeOffset() > TimeProvider.System.GetUtcNow());

        using var session = await WalletUser.SessionAsync(user.Address, nonce, user.Sign(message));
        Assert.Equal(HttpStatusCode.Created, session.StatusCode);
        var token = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        var credits = await user.GetJsonAsync("v1/credits", token);
        Assert.Equal(0, credits.GetProperty("deposited").GetInt64());
    }

    [Fact]
    public async Task Session_ForgedSignature_IsRefused_AndTheNonceStaysForItsOwner()
    {
        var user = new WalletUser(Keypair.Generate());
        using var forger = Keypair.Generate();
        var challenge = await user.ChallengeAsync();
        var message = challenge.GetProperty("message").GetString()!;
        var nonce = challenge.GetProperty("nonce").GetString()!;

        using var forged = await WalletUser.SessionAsync(user.Address, nonce, SimpleBase.Base58.Bitcoin.Encode(forger.Sign(Encoding.UTF8.GetBytes(message))));
        using var otherMessage = await WalletUser.SessionAsync(user.Address, nonce, user.Sign(message.Replace("Version: 1", "Version: 2", StringComparison.Ordinal)));
        using var garbage = await WalletUser.SessionAsync(user.Address, nonce, SimpleBase.Base58.Bitcoin.Encode(new byte[64]));
        using var genuine = await WalletUser.SessionAsync(user.Address, nonce, user.Sign(message));

        await WalletUser.AssertProblemAsync(forged, HttpStatusCode.Unauthorized);
        await WalletUser.AssertProblemAsync(otherMessage, HttpStatusCode.Unauthorized);
        await WalletUser.AssertProblemAsync(garbage, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.Created, genuine.StatusCode);
    }

    [Fact]
    public async Task Session_ReplayedSignature_IsRefused_EvenWhenSentTwiceAtOnce()
    {
        var user = new WalletUser(Keypair.Generate());
        var challenge = await user.ChallengeAsync();
        var nonce = challenge.GetProperty("nonce").GetString()!;
        var signature = user.Sign(challenge.GetProperty("message").GetString()!);

        var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => WalletUser.SessionAsync(user.Address, nonce, signature)));
        using var later = await WalletUser.SessionAsync(user.Address, nonce, signature);

        Assert.Single(first, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(first.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        await WalletUser.AssertProblemAsync(later, HttpStatusCode.Unauthorized);
        foreach (var r in first)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task Session_ChallengeOfAnotherAddress_IsRefused()
    {
        var owner = new WalletUser(Keypair.Generate());
        var thief = new WalletUser(Keypair.Generate());
        var challenge = await owner.ChallengeAsync();

        using var response = await WalletUser.SessionAsync(thief.Address, challenge.GetProperty("nonce").GetString()!, thief.Sign(challenge.GetProperty("message").GetString()!));

        await WalletUser.AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Session_ExpiredChallenge_IsRefused()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var signIn = SignIn(clock);
        using var wallet = Keypair.Generate();
        var challenge = await signIn.ChallengeAsync(wallet.PublicKey.ToString(), CancellationToken.None);

        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var late = await signIn.SignInAsync(wallet.PublicKey.ToString(), challenge.Nonce, Sign(wallet, challenge.Message), CancellationToken.None);

        Assert.Equal(SignInFailure.Expired, late.Failure);
        Assert.Null(late.Session);
    }

    [Fact]
    public async Task Session_Expired_IsRefused_AndSignOutEndsOne()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        var signIn = SignIn(clock);
        using var wallet = Keypair.Generate();
        var challenge = await signIn.ChallengeAsync(wallet.PublicKey.ToString(), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(4));
        var session = (await signIn.SignInAsync(wallet.PublicKey.ToString(), challenge.Nonce, Sign(wallet, challenge.Message), CancellationToken.None)).Session!;

        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var stillValid = await signIn.AuthenticateAsync(session.Token, CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(2));
        var expired = await signIn.AuthenticateAsync(session.Token, CancellationToken.None);

        Assert.Equal(wallet.PublicKey.ToString(), stillValid);
        Assert.Null(expired);

        // Over HTTP: a session that was signed out is refused like an expired one.
        var user = await WalletUser.SignedInAsync();
        using var signOut = await user.SendAsync(HttpMethod.Delete, "auth/session");
        using var after = await user.SendAsync(HttpMethod.Get, "v1/credits");
        Assert.Equal(HttpStatusCode.NoContent, signOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Purge_DeletesExpiredChallenges_AndKeepsLiveOnes()
    {
        // Two days in the past, so the purge cannot touch rows of tests running now.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow().AddDays(-2));
        var signIn = SignIn(clock);
        using var wallet = Keypair.Generate();
        var old = await signIn.ChallengeAsync(wallet.PublicKey.ToString(), CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(10));
        var fresh = await signIn.ChallengeAsync(wallet.PublicKey.ToString(), CancellationToken.None);

        var purged = await signIn.PurgeExpiredAsync(CancellationToken.None);
        var oldAfter = await signIn.SignInAsync(wallet.PublicKey.ToString(), old.Nonce, Sign(wallet, old.Message), CancellationToken.None);
        var freshAfter = await signIn.SignInAsync(wallet.PublicKey.ToString(), fresh.Nonce, Sign(wallet, fresh.Message), CancellationToken.None);

        Assert.True(purged >= 1);
        Assert.Equal(SignInFailure.UnknownNonce, oldAfter.Failure); // gone, not merely expired
        Assert.Equal(SignInFailure.None, freshAfter.Failure);
    }

    [Fact]
    public async Task BadInput_GetsProblemDetails_AndStoresNoChallenge()
    {
        var address = Keypair.Generate().PublicKey.ToString();
        string[] bodies = ["", "not json", "[]", "{}", "{\"address\": 42}", "{\"address\": \"0OIl-not-base58\"}", "{\"address\": \"abc\"}"];
        foreach (var body in bodies)
        {
            using var response = await WalletUser.Http.PostAsync($"{LocalStack.Instance.Api}/auth/challenge", new StringContent(body, Encoding.UTF8, "application/json"));
            await WalletUser.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        string[] sessions = ["", "{}", $"{{\"address\": \"{address}\"}}", $"{{\"address\": \"{address}\", \"nonce\": \"abc\", \"signature\": \"!!\"}}",
            $"{{\"address\": \"{address}\", \"nonce\": \"a/b\", \"signature\": \"{new string('1', 88)}\"}}", $"{{\"address\": 1, \"nonce\": 2, \"signature\": 3}}"];
        foreach (var body in sessions)
        {
            using var response = await WalletUser.Http.PostAsync($"{LocalStack.Instance.Api}/auth/session", new StringContent(body, Encoding.UTF8, "application/json"));
            await WalletUser.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        var table = new TableServiceClient(LocalStack.Instance.Storage).GetTableClient(TableNames.SignIns);
        await table.CreateIfNotExistsAsync();
        var stored = await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Address eq {address}")).CountAsync();
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task Keys_AWalletCreatesListsAndRevokesItsKeys_AnApiKeyCannotCreateOne()
    {
        var user = await WalletUser.SignedInAsync();

        using var created = await user.SendAsync(HttpMethod.Post, "v1/keys", new { name = "laptop", rpmLimit = 60 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = key.GetProperty("key").GetString()!;
        Assert.StartsWith("bs_live_", secret);
        Assert.Equal(user.Address, key.GetProperty("account_id").GetString());

        var listed = await user.GetJsonAsync("v1/keys");
        var listedByKey = await user.GetJsonAsync("v1/keys", secret);
        using var byApiKey = await user.SendAsync(HttpMethod.Post, "v1/keys", new { name = "sneaky" }, bearer: secret);
        using var revoked = await user.SendAsync(HttpMethod.Delete, $"v1/keys/{key.GetProperty("id").GetString()}");
        using var afterRevoke = await user.SendAsync(HttpMethod.Get, "v1/credits", bearer: secret);

        var only = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal("laptop", only.GetProperty("name").GetString());
        Assert.DoesNotContain(secret, listed.ToString());
        Assert.Single(listedByKey.GetProperty("data").EnumerateArray());
        await WalletUser.AssertProblemAsync(byApiKey, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.Single((await user.GetJsonAsync("v1/keys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Keys_BadInputOrNoSession_GetsProblemDetails_AndCreatesNoKey()
    {
        var user = await WalletUser.SignedInAsync();
        object[] bodies =
        [
            new StringContent("not json", Encoding.UTF8, "application/json"), new StringContent("[1]", Encoding.UTF8, "application/json"),
            new { name = 5 }, new { name = new string('x', 65) }, new { rpmLimit = 0 }, new { rpmLimit = "ten" }, new { rpmLimit = 1.5 },
            new { spendCapMicroUsdc = -1 }, new { name = "a\u0001b" },
        ];
        foreach (var body in bodies)
        {
            using var response = await user.SendAsync(HttpMethod.Post, "v1/keys", body);
            await WalletUser.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using var anonymous = await user.SendAsync(HttpMethod.Post, "v1/keys", new { name = "x" }, bearer: "bs_sess_" + new string('a', 43));
        await WalletUser.AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized);
        Assert.Empty((await user.GetJsonAsync("v1/keys")).GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task AdminRoutes_AcceptAnAdminWalletsSession_AndNoOtherWallets()
    {
        var admin = await WalletUser.SignedInAsync(Keypair.FromSecretKey(LocalStack.Instance.ChainKeypair("admin")));
        var someone = await WalletUser.SignedInAsync();
        var account = "admin-wallet-" + Guid.NewGuid().ToString("N")[..8];

        using var byAdmin = await admin.SendAsync(HttpMethod.Post, $"admin/accounts/{account}/deposits", new { depositId = "d1", amountMicroUsdc = 5 });
        using var bySomeone = await someone.SendAsync(HttpMethod.Post, $"admin/accounts/{account}/deposits", new { depositId = "d2", amountMicroUsdc = 7 });

        Assert.Equal(HttpStatusCode.OK, byAdmin.StatusCode);
        Assert.Equal(5, (await byAdmin.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("deposited").GetInt64());
        await WalletUser.AssertProblemAsync(bySomeone, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Usage_RowsCarryTheModel_ForKeysAWalletMade()
    {
        var user = await WalletUser.SignedInAsync();
        using var created = await user.SendAsync(HttpMethod.Post, "v1/keys", new { name = "usage" });
        var key = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        await TestAccount.DepositAsync(user.Address, 5_000_000);

        using var chat = await user.SendAsync(HttpMethod.Post, "v1/chat/completions", new { model = "deepseek-chat", messages = new[] { new { role = "user", content = "hi" } } }, bearer: key);
        Assert.Equal(HttpStatusCode.OK, chat.StatusCode);

        JsonElement row = default;
        for (var i = 0; i < 100 && row.ValueKind == JsonValueKind.Undefined; i++)
        {
            var usage = await user.GetJsonAsync("v1/usage");
            row = usage.GetProperty("data").EnumerateArray().FirstOrDefault();
            await Task.Delay(row.ValueKind == JsonValueKind.Undefined ? 100 : 0);
        }

        Assert.Equal("deepseek-chat", row.GetProperty("model").GetString());
        Assert.Equal(1, row.GetProperty("requests").GetInt64());
        Assert.True(row.GetProperty("cost_micro_usdc").GetInt64() > 0);
    }

    private static WalletSignIn SignIn(TimeProvider clock) => new(
        new TableServiceClient(LocalStack.Instance.Storage),
        Options.Create(new SignInOptions { ChainId = "localnet" }),
        clock);

    private static string Sign(Keypair wallet, string message) => SimpleBase.Base58.Bitcoin.Encode(wallet.Sign(Encoding.UTF8.GetBytes(message)));
}
