namespace Bourse.Accounts;

public enum KeyAuthenticationOutcome
{
    Authenticated,
    Missing,
    Invalid,
    Revoked,

    /// <summary>The key's requests-per-minute limit is reached.</summary>
    RateLimited,
}
