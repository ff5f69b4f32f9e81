namespace Bourse.Accounts;

/// <summary>What an account may see of a key: never the key itself.</summary>
public sealed record ApiKeyInfo(string Id, string? Name, string Prefix, string LastFour, DateTimeOffset Created, DateTimeOffset? LastUsed, bool Revoked);
