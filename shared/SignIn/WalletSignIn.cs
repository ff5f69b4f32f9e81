using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Bourse.Solana;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.SignIn;

/// <summary>
/// Sign-In-With-Solana. A challenge is a stored, short-lived, single-use nonce; a session is a random
/// bearer token (<c>bs_sess_</c>…) stored only as its SHA-256. A wallet is one account: its address is the
/// account id. Table <see cref="TableNames.SignIns"/>: partition <c>challenge</c> (row = nonce) and
/// partition <c>used</c> (row = nonce, once used), partition <c>session</c> (row = token hash).
/// </summary>
public sealed class WalletSignIn(TableServiceClient tables, IOptions<SignInOptions> options, TimeProvider time)
{
    public const string TokenPrefix = "bs_sess_";
    private const string ChallengePartition = "challenge";
    private const string SessionPartition = "session";
    private const string UsedPartition = "used";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int TokenLength = 43;

    private readonly TableClient _table = tables.GetTableClient(TableNames.SignIns);
    private readonly HashSet<string> _admins = [.. options.Value.AdminWalletList()];

    /// <summary>Whether <paramref name="wallet"/> is listed in <c>SignIn:AdminWallets</c>.</summary>
    public bool IsAdmin(string wallet) => _admins.Contains(wallet);

    /// <summary>A new challenge for <paramref name="address"/> (a valid base58 public key; the caller checks).</summary>
    public async Task<SignInChallenge> ChallengeAsync(string address, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)); // the message says milliseconds
        var nonce = RandomNumberGenerator.GetString(Alphabet, 24);
        var expires = now + o.ChallengeLifetime;
        var message = SiwsMessage.Build(o.Domain, address, o.Statement, o.Uri, o.ChainId, nonce, now, expires);
        await _table.CreateIfNotExistsAsync(cancellationToken);
        await _table.AddEntityAsync(new TableEntity(ChallengePartition, nonce) { ["Address"] = address, ["Message"] = message, ["ExpiresAt"] = expires }, cancellationToken);
        return new SignInChallenge(address, message, nonce, now, expires);
    }

    /// <summary>
    /// Checks <paramref name="signatureBase58"/> (ed25519 over the challenge message's UTF-8 bytes, by
    /// <paramref name="address"/>) and, if it holds, uses the nonce up and opens a session. A forged
    /// signature leaves the nonce for its owner; a replayed one finds it gone.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string address, string nonce, string signatureBase58, CancellationToken cancellationToken)
    {
        if (!PublicKey.TryParse(address, out var wallet) || !TryDecodeSignature(signatureBase58, out var signature) || nonce.Length is 0 or > 64 || nonce.Any(c => !char.IsAsciiLetterOrDigit(c)))
        {
            return SignInResult.Refused(SignInFailure.Malformed);
        }

        await _table.CreateIfNotExistsAsync(cancellationToken);
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(ChallengePartition, nonce, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return SignInResult.Refused(SignInFailure.UnknownNonce);
        }

        var challenge = found.Value!;
        if (challenge.GetString("Address") != address)
        {
            return SignInResult.Refused(SignInFailure.WrongAddress);
        }

        var now = time.GetUtcNow();
        if (challenge.GetDateTimeOffset("ExpiresAt") is not { } expires || now > expires)
        {
            await DeleteAsync(challenge, cancellationToken);
            return SignInResult.Refused(SignInFailure.Expired);
        }

        if (!Keypair.Verify(wallet, Encoding.UTF8.GetBytes(challenge.GetString("Message")), signature))
        {
            return SignInResult.Refused(SignInFailure.BadSignature);
        }

        if (!await UseAsync(challenge, cancellationToken))
        {
            return SignInResult.Refused(SignInFailure.UnknownNonce); // another request used it first
        }

        var token = TokenPrefix + RandomNumberGenerator.GetString(Alphabet, TokenLength);
        var session = new WalletSession(address, token, now + options.Value.SessionLifetime);
        await _table.AddEntityAsync(new TableEntity(SessionPartition, Hash(token)) { ["Wallet"] = address, ["ExpiresAt"] = session.ExpiresAt, ["Created"] = now }, cancellationToken);
        return new SignInResult(session, SignInFailure.None);
    }

    /// <summary>The wallet of a live session token, or null (unknown, expired, signed out).</summary>
    public async Task<string?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        if (!IsSessionToken(token))
        {
            return null;
        }

        NullableResponse<TableEntity> found;
        try
        {
            found = await _table.GetEntityIfExistsAsync<TableEntity>(SessionPartition, Hash(token), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null; // the table does not exist yet: no session was ever opened
        }

        return found.HasValue && found.Value!.GetDateTimeOffset("ExpiresAt") is { } expires && time.GetUtcNow() <= expires
            ? found.Value.GetString("Wallet")
            : null;
    }

    /// <summary>Ends a session (sign-out). False when there was none.</summary>
    public async Task<bool> SignOutAsync(string token, CancellationToken cancellationToken)
    {
        if (!IsSessionToken(token))
        {
            return false;
        }

        try
        {
            await _table.DeleteEntityAsync(SessionPartition, Hash(token), ETag.All, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Deletes challenges, used nonces and sessions past their expiry; returns how many.</summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var now = time.GetUtcNow();
        var purged = 0;
        foreach (var partition in new[] { ChallengePartition, UsedPartition, SessionPartition })
        {
            var expired = new List<TableEntity>();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition} and ExpiresAt lt {now}");
            await foreach (var row in _table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
            {
                expired.Add(row);
            }

            foreach (var batch in expired.Chunk(100))
            {
                try
                {
                    await _table.SubmitTransactionAsync(batch.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All)), cancellationToken);
                    purged += batch.Length;
                }
                catch (TableTransactionFailedException)
                {
                    // a row went meanwhile (signed out, used): the next run takes the rest
                }
            }
        }

        return purged;
    }

    public static bool IsSessionToken(string token) =>
        token.Length == TokenPrefix.Length + TokenLength && token.StartsWith(TokenPrefix, StringComparison.Ordinal);

    /// <summary>Uses the nonce up: insert-if-absent of its <c>used</c> row decides which request wins; then the challenge goes.</summary>
    private async Task<bool> UseAsync(TableEntity challenge, CancellationToken cancellationToken)
    {
        try
        {
            await _table.AddEntityAsync(new TableEntity(UsedPartition, challenge.RowKey) { ["ExpiresAt"] = challenge.GetDateTimeOffset("ExpiresAt") }, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict)
        {
            return false;
        }

        await DeleteAsync(challenge, cancellationToken);
        return true;
    }

    private async Task<bool> DeleteAsync(TableEntity challenge, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(challenge.PartitionKey, challenge.RowKey, challenge.ETag, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }

    private static bool TryDecodeSignature(string text, out byte[] signature)
    {
        signature = [];
        if (text.Length is < 64 or > 100)
        {
            return false;
        }

        try
        {
            signature = SimpleBase.Base58.Bitcoin.Decode(text);
            return signature.Length == 64;
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return false;
        }
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
