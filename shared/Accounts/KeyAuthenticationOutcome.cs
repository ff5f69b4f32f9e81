namespace Bourse.Accounts;

public enum KeyAuthenticationOutcome
{
    Authenticated,
    Missing,
    Invalid,
    Revoked,
}
