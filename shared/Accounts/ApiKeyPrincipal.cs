namespace Bourse.Accounts;

/// <summary>An authenticated key: its account and its own limits (null: none).</summary>
public sealed record ApiKeyPrincipal(string AccountId, string KeyId, int? RequestsPerMinute = null, long? SpendCapMicroUsdc = null);
