namespace Bourse.Payments.X402;

/// <summary>The v2 402 envelope, sent base64-encoded in the <c>PAYMENT-REQUIRED</c> header.</summary>
public sealed record PaymentRequiredV2(int X402Version, string? Error, ResourceInfo Resource, IReadOnlyList<PaymentRequirementsV2> Accepts);
