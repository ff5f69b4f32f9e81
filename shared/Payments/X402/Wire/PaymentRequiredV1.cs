namespace Bourse.Payments.X402;

/// <summary>The v1 402 envelope, sent as the JSON body of the 402.</summary>
public sealed record PaymentRequiredV1(int X402Version, string? Error, IReadOnlyList<PaymentRequirementsV1> Accepts);
