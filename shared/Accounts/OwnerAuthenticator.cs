using Bourse.SignIn;

namespace Bourse.Accounts;

/// <summary>The owner routes' bearer: a wallet session token (<c>bs_sess_</c>…) or an API key (<c>bs_live_</c>…).</summary>
public sealed class OwnerAuthenticator(ApiKeys keys, WalletSignIn signIn)
{
    public async Task<AccountOwner?> AuthenticateAsync(string? authorization, CancellationToken cancellationToken)
    {
        var bearer = Bearer(authorization);
        if (bearer is null)
        {
            return null;
        }

        if (WalletSignIn.IsSessionToken(bearer))
        {
            return await signIn.AuthenticateAsync(bearer, cancellationToken) is { } wallet ? new AccountOwner(wallet, null, wallet) : null;
        }

        var auth = await keys.AuthenticateAsync(authorization, cancellationToken);
        return auth.Outcome == KeyAuthenticationOutcome.Authenticated ? new AccountOwner(auth.Principal!.AccountId, auth.Principal.KeyId, null) : null;
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? Bearer(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization[7..].Trim() is { Length: > 0 } token
            ? token
            : null;
}
