namespace Bourse.Accounts;

public sealed record ApiKeyPrincipal(string AccountId, string KeyId);
