using System.Globalization;

namespace Bourse.SignIn;

/// <summary>
/// The Sign-In-With-Solana message text (the EIP-4361 shape Phantom and Solflare use): domain, address,
/// statement, URI, version, chain id, nonce, issued-at, expiration time. The wallet signs its UTF-8 bytes.
/// </summary>
public static class SiwsMessage
{
    public static string Build(string domain, string address, string? statement, Uri uri, string chainId, string nonce, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var head = $"{domain} wants you to sign in with your Solana account:\n{address}\n\n";
        var body = string.IsNullOrWhiteSpace(statement) ? string.Empty : statement.Trim() + "\n\n";
        return head + body +
            $"URI: {uri.GetLeftPart(UriPartial.Path)}\n" +
            "Version: 1\n" +
            $"Chain ID: {chainId}\n" +
            $"Nonce: {nonce}\n" +
            $"Issued At: {Timestamp(issuedAt)}\n" +
            $"Expiration Time: {Timestamp(expiresAt)}";
    }

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
