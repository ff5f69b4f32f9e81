using System.Text.Json;

namespace Bourse.Payments.X402;

/// <summary>
/// The body of <c>POST /verify</c> and <c>POST /settle</c>. The payload is forwarded exactly as the
/// client sent it; the requirements are the server's own, in the payload's version's shape.
/// </summary>
public sealed record FacilitatorRequest(int X402Version, JsonElement PaymentPayload, JsonElement PaymentRequirements);
