namespace Bourse.Accounts;

public sealed record KeyAuthentication(KeyAuthenticationOutcome Outcome, ApiKeyPrincipal? Principal = null, TimeSpan? RetryAfter = null);
