namespace Bourse.Payments.X402;

/// <summary>Just the version of a payment payload, read before the full shape.</summary>
internal sealed record PaymentVersionProbe(int? X402Version);
