using System.Text.Json.Nodes;

namespace Bourse.Payments.X402;

/// <summary>The v2 <c>PAYMENT-SIGNATURE</c> payload: the chosen requirement echoed in <see cref="Accepted"/>.</summary>
public sealed record PaymentPayloadV2(int X402Version, SvmPayload Payload, PaymentRequirementsV2 Accepted, ResourceInfo? Resource = null, JsonObject? Extensions = null);
