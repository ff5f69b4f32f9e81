using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Bourse.Storage;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// API keys (<c>bs_live_</c> + 32 base62 characters). Stored as HMAC-SHA256 with a pepper, found by
/// that hash in one point read, then kept in memory: an entry is re-read in the background once it is
/// half of <see cref="RevocationBound"/> old and never used once it is older, so a key revoked on one
/// instance is refused on every instance within <see cref="RevocationBound"/> (on the revoking
/// instance at once). <c>LastUsed</c> is written in the background, at most once a minute per key.
/// Table <see cref="TableNames.ApiKeys"/>: partition <c>hash</c> (row = key hash → account, key id)
/// and one partition per account (row = key id → what the owner may see).
/// </summary>
public sealed class ApiKeys(TableServiceClient tables, IOptions<AccountsOptions> options, KeyRateLimiter rateLimiter, TimeProvider time)
{
    /// <summary>The longest a revoked key is still accepted by an instance that did not revoke it.</summary>
    public static readonly TimeSpan RevocationBound = TimeSpan.FromSeconds(5);

    public const string Prefix = "bs_live_";
    private const string HashPartition = "hash";
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private readonly TableClient _table = tables.GetTableClient(TableNames.ApiKeys);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CachedKey> _cache = new(StringComparer.Ordinal);
    private byte[]? _pepper;

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

        var hash = Hash(key);
        var now = time.GetTimestamp();
        if (!_cache.TryGetValue(hash, out var cached) || time.GetElapsedTime(cached.ReadAt, now) >= RevocationBound)
        {
            cached = await ReadAsync(hash, cancellationToken);
        }
        else if (time.GetElapsedTime(cached.ReadAt, now) >= RevocationBound / 2 && cached.TryStartRefresh())
        {
            _ = RefreshAsync(hash); // still fresh enough to use; re-read before it is not
        }

        if (cached.Principal is not { } principal)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Invalid);
        }

        if (cached.Revoked)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.Revoked, principal);
        }

        if (rateLimiter.TryAcquire(principal) is { } retryAfter)
        {
            return new KeyAuthentication(KeyAuthenticationOutcome.RateLimited, principal, retryAfter);
        }

        Touch(hash, cached, principal);
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
        var hash = found.Value!.GetString("Hash");
        await _table.UpdateEntityAsync(new TableEntity(HashPartition, hash) { ["Revoked"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        _cache.TryRemove(hash, out _); // this instance refuses it at once; others within RevocationBound
        await _table.UpdateEntityAsync(new TableEntity(accountId, keyId) { ["Revoked"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return true;
    }

    private async Task<CachedKey> ReadAsync(string hash, CancellationToken cancellationToken)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(HashPartition, hash, cancellationToken: cancellationToken);
        if (!found.HasValue)
        {
            _cache.TryRemove(hash, out _); // unknown keys are not kept: a key created a moment later works at once
            return new CachedKey(null, false, null, time.GetTimestamp());
        }

        var row = found.Value!;
        var principal = new ApiKeyPrincipal(row.GetString("AccountId"), row.GetString("KeyId"), row.GetInt32("RequestsPerMinute"), row.GetInt64("SpendCap"));
        var lastUsed = _cache.TryGetValue(hash, out var previous) && previous.LastUsed > row.GetDateTimeOffset("LastUsed") ? previous.LastUsed : row.GetDateTimeOffset("LastUsed");
        var entry = new CachedKey(principal, row.GetBoolean("Revoked") == true, lastUsed, time.GetTimestamp());
        _cache[hash] = entry;
        return entry;
    }

    private async Task RefreshAsync(string hash)
    {
        try
        {
            await ReadAsync(hash, CancellationToken.None);
        }
        catch (RequestFailedException)
        {
            // The entry ages out at RevocationBound and the next request reads it itself.
        }
    }

    /// <summary>Records the key's last use (to the minute) off the request path.</summary>
    private void Touch(string hash, CachedKey cached, ApiKeyPrincipal principal)
    {
        var now = time.GetUtcNow();
        if (cached.LastUsed is { } last && now - last < LastUsedResolution || !cached.TryStartTouch(now))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await _table.UpdateEntityAsync(new TableEntity(HashPartition, hash) { ["LastUsed"] = now }, ETag.All, TableUpdateMode.Merge);
                await _table.UpdateEntityAsync(new TableEntity(principal.AccountId, principal.KeyId) { ["LastUsed"] = now }, ETag.All, TableUpdateMode.Merge);
            }
            catch (RequestFailedException)
            {
                // Informational only; the next minute's use writes it again.
            }
        });
    }

    private sealed class CachedKey(ApiKeyPrincipal? principal, bool revoked, DateTimeOffset? lastUsed, long readAt)
    {
        private readonly Lock _gate = new();
        private int _refreshing;
        private DateTimeOffset? _lastUsed = lastUsed;

        public ApiKeyPrincipal? Principal { get; } = principal;

        public bool Revoked { get; } = revoked;

        public long ReadAt { get; } = readAt;

        public DateTimeOffset? LastUsed
        {
            get
            {
                lock (_gate)
                {
                    return _lastUsed;
                }
            }
        }

        public bool TryStartRefresh() => Interlocked.Exchange(ref _refreshing, 1) == 0;

        public bool TryStartTouch(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_lastUsed is { } last && now - last < LastUsedResolution)
                {
                    return false;
                }

                _lastUsed = now;
                return true;
            }
        }
    }

    private string Hash(string key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_pepper ??= Encoding.UTF8.GetBytes(options.Value.KeyPepper), Encoding.UTF8.GetBytes(key)));
}
