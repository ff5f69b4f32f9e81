namespace Bourse.Payments.X402;

public sealed record VerifyResponse(bool IsValid, string? InvalidReason = null, string? InvalidMessage = null, string? Payer = null);
