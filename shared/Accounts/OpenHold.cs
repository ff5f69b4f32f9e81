namespace Bourse.Accounts;

/// <summary>Credits reserved for a call in flight (micro-USDC), released or charged when it ends, or at <see cref="ExpiresAt"/>.</summary>
public sealed record OpenHold(string Id, string? KeyId, long Amount, DateTimeOffset? ExpiresAt);
