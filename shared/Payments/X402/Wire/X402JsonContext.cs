using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bourse.Payments.X402;

/// <summary>
/// Every x402 shape, source-generated: camelCase, nulls never written (x402@1.2.0 rejects
/// <c>extra: null</c>), non-ASCII escaped (v1 clients decode with <c>atob</c>).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PaymentRequiredV1))]
[JsonSerializable(typeof(PaymentRequiredV2))]
[JsonSerializable(typeof(PaymentPayloadV1))]
[JsonSerializable(typeof(PaymentPayloadV2))]
[JsonSerializable(typeof(FacilitatorRequest))]
[JsonSerializable(typeof(VerifyResponse))]
[JsonSerializable(typeof(SettleResponse))]
[JsonSerializable(typeof(SupportedResponse))]
[JsonSerializable(typeof(PaymentVersionProbe))]
internal sealed partial class X402JsonContext : JsonSerializerContext;
