namespace Bourse.Accounts;

/// <summary>A new key: <see cref="Key"/> is shown this once and stored only as a keyed hash.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);
