using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// API keys (<c>bs_live_</c> + 32 base62 characters). Stored as HMAC-SHA256 with a pepper, found by
/// that hash in one point read; a revoked key is refused from the next request on (no cache).
/// Table <see cref="TableNames.ApiKeys"/>: partition <c>hash</c> (row = key hash → account, key id)
/// and one partition per account (row = key id → what the owner may see).
/// </summary>
public sealed class ApiKeys(TableServiceClient tables, IOptions<AccountsOptions> options, KeyRateLimiter rateLimiter, TimeProvider time)
{
    public const string Prefix = "bs_live_";
    private const string HashPartition = "hash";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly TableClient _table = tables.GetTableClient(TableNames.ApiKeys);

    public async Task<CreatedApiKey> CreateAsync(string accountId, string? name, int? requestsPerMinute, long? spendCapMicroUsdc, CancellationToken cancellationToken)
    {
        await _table.CreateIfNotExistsAsync(cancellationToken);
        var key = Prefix + RandomNumberGenerator.GetString(Alphabet, 32);
        var keyId = "key_" + RandomNumberGenerator.GetHexString(16, lowercase: true);
        var hash = Hash(key);
        var info = new ApiKeyInfo(keyId, name, key[..(Prefix.Length + 4)], key[^4..], time.GetUtcNow(), null, false);
        await _table.AddEntityAsync(new TableEntity(accountId, keyId)
        {
            ["Name"] = name, ["Prefix"] = info.Prefix, ["LastFour"] = info.LastFour, ["Created"] = info.Created, ["Revoked"] = false, ["Hash"] = hash,
            ["RequestsPerMinute"] = requestsPerMinute, ["SpendCap"] = spendCapMicroUsdc,
        }, cancellationToken);
        await _table.AddEntityAsync(new TableEntity(HashPartition, hash) { ["AccountId"] = accountId, ["KeyId"] = keyId, ["Revoked"] = false, ["RequestsPerMinute"] = requestsPerMinute, ["SpendCap"] = spendCapMicroUsdc }, cancellationToken);
        return new CreatedApiKey(info, key);
    }

    public async Task<KeyAuthentication> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Missing);
        }

        var key = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : authorization.Trim();
        if (!key.StartsWith(Prefix, StringComparison.Ordinal) || key.Length != Prefix.Length + 32)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Invalid);
        }

        var found = await _table.GetEntityIfExistsAsync<TableEntity>(HashPartition, Hash(key), cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Invalid);
        }

        var row = found.Value!;
        var principal = new ApiKeyPrincipal(row.GetString("AccountId"), row.GetString("KeyId"), row.GetInt32("RequestsPerMinute"), row.GetInt64("SpendCap"));
        if (row.GetBoolean("Revoked") == true)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Revoked, principal);
        }

        if (rateLimiter.TryAcquire(principal) is { } retryAfter)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.RateLimited, principal, retryAfter);
        }

        await TouchAsync(row, principal, cancellationToken);
        return new KeyAuthentication(KeyAuthenticationOutcome.Authenticated, principal);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string accountId, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyInfo>();
        await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {accountId}"), cancellationToken: cancellationToken))
        {
            keys.Add(new ApiKeyInfo(row.RowKey, row.GetString("Name"), row.GetString("Prefix"), row.GetString("LastFour"),
                row.GetDateTimeOffset("Created") ?? default, row.GetDateTimeOffset("LastUsed"), row.GetBoolean("Revoked") == true));
        }

        return keys;
    }

    /// <summary>Revokes one of the account's keys; false when the account has no such key.</summary>
    public async Task<bool> RevokeAsync(string accountId, string keyId, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(accountId, keyId, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            return false;
        }

        // The hash row is what authentication reads: revoke it first.
        await _table.UpdateEntityAsync(new TableEntity(HashPartition, found.Value!.GetString("Hash")) { ["Revoked"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await _table.UpdateEntityAsync(new TableEntity(accountId, keyId) { ["Revoked"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    private async Task TouchAsync(TableEntity hashRow, ApiKeyPrincipal principal, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (hashRow.GetDateTimeOffset("LastUsed") is { } last && now - last < LastUsedResolution)
        {
            return;
        }

        await _table.UpdateEntityAsync(new TableEntity(HashPartition, hashRow.RowKey) { ["LastUsed"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        await _table.UpdateEntityAsync(new TableEntity(principal.AccountId, principal.KeyId) { ["LastUsed"] = now }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    private string Hash(string key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.KeyPepper), Encoding.UTF8.GetBytes(key)));
}
