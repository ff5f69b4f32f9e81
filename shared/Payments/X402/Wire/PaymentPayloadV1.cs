namespace Bourse.Payments.X402;

/// <summary>The v1 <c>X-PAYMENT</c> payload: no amount or recipient inside, so the server rebuilds the requirement.</summary>
public sealed record PaymentPayloadV1(int X402Version, string Scheme, string Network, SvmPayload Payload);
