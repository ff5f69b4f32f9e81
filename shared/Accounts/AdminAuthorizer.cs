using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Bourse.Accounts;

/// <summary>Checks the operator's bearer token in constant time.</summary>
public sealed class AdminAuthorizer(IOptions<AdminOptions> options)
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
}
