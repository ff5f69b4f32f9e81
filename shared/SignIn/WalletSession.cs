namespace Bourse.SignIn;

/// <summary>A signed-in wallet. <see cref="Token"/> is shown once (only its hash is stored).</summary>
public sealed record WalletSession(string Wallet, string Token, DateTimeOffset ExpiresAt);
