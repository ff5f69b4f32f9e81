using System.Text.Json;

namespace Bourse.Payments.X402;

/// <summary>
/// A decoded payment: its generation, the payload exactly as sent (forwarded to the facilitator),
/// the base64 transaction, and the typed payload of its generation.
/// </summary>
public sealed record PaymentHeader(int Version, JsonElement Raw, string Transaction, PaymentPayloadV2? V2, PaymentPayloadV1? V1);
