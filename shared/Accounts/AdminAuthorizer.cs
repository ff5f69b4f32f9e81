using System.Security.Cryptography;
using System.Text;
using Bourse.SignIn;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>
/// The <c>/api/admin</c> routes' bearer: the operator's token (checked in constant time, for scripts) or
/// the session of a wallet listed in <c>SignIn:AdminWallets</c>.
/// </summary>
public sealed class AdminAuthorizer(IOptions<AdminOptions> options, WalletSignIn signIn)
{
    public bool IsAuthorized(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[7..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Token));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    /// <summary>The operator's token, or a live session of an admin wallet.</summary>
    public async Task<bool> IsAuthorizedAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (IsAuthorized(authorization))
        {
            return true;
        }

        return OwnerAuthenticator.Bearer(authorization) is { } token
            && WalletSignIn.IsSessionToken(token)
            && await signIn.AuthenticateAsync(token, cancellationToken) is { } wallet
            && signIn.IsAdmin(wallet);
    }
}
