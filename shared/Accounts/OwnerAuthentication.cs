namespace Bourse.Accounts;

/// <summary>
/// Who sent an owner route's request: the <see cref="Owner"/>, or none, with <see cref="Outcome"/> saying why
/// (a key past its per-minute limit is <see cref="KeyAuthenticationOutcome.RateLimited"/>, to answer 429, not 401).
/// </summary>
public sealed record OwnerAuthentication(AccountOwner? Owner, KeyAuthenticationOutcome Outcome, TimeSpan? RetryAfter = null);
