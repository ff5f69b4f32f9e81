namespace Bourse.SignIn;

/// <summary>What a wallet is asked to sign: the SIWS message and its single-use nonce.</summary>
public sealed record SignInChallenge(string Address, string Message, string Nonce, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
