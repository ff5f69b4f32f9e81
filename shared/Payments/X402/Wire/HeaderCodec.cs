using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Bourse.Payments.X402;

/// <summary>
/// x402 headers: standard padded base64 of UTF-8 JSON. Decoding never throws: a malformed value
/// comes back as a <see cref="HeaderDecodeError"/> with a reason.
/// </summary>
internal static class HeaderCodec
{
    /// <summary>Transactions are at most 1232 bytes; a payload header is far below this.</summary>
    public const int MaxHeaderLength = 16 * 1024;

    private static readonly System.Buffers.SearchValues<char> NotStandardBase64 = System.Buffers.SearchValues.Create("-_ \t\r\n");

    public static string Encode<T>(T value, JsonTypeInfo<T> typeInfo) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    public static string EncodePaymentRequired(PaymentRequiredV2 envelope) => Encode(envelope, X402JsonContext.Default.PaymentRequiredV2);

    public static string EncodeSettleResponse(SettleResponse response) => Encode(response, X402JsonContext.Default.SettleResponse);

    public static string EncodePayment(PaymentPayloadV2 payload) => Encode(payload, X402JsonContext.Default.PaymentPayloadV2);

    public static string EncodePayment(PaymentPayloadV1 payload) => Encode(payload, X402JsonContext.Default.PaymentPayloadV1);

    public static Decoded<PaymentRequiredV2> DecodePaymentRequired(string? header) => Decode(header, X402JsonContext.Default.PaymentRequiredV2);

    public static Decoded<SettleResponse> DecodeSettleResponse(string? header) => Decode(header, X402JsonContext.Default.SettleResponse);

    /// <summary>
    /// The payment of a paid retry: <c>PAYMENT-SIGNATURE</c> (v2) wins over <c>X-PAYMENT</c> (v1). Each
    /// header must carry its own generation's payload.
    /// </summary>
    public static Decoded<PaymentHeader> DecodePayment(string? paymentSignature, string? xPayment)
    {
        if (!string.IsNullOrEmpty(paymentSignature))
        {
            var bytes = DecodeBytes(paymentSignature, out var failure);
            return bytes is null ? new Decoded<PaymentHeader>(null, failure.Error, failure.Reason!) : ReadPayment(bytes, expectedVersion: 2);
        }

        if (!string.IsNullOrEmpty(xPayment))
        {
            var bytes = DecodeBytes(xPayment, out var failure);
            return bytes is null ? new Decoded<PaymentHeader>(null, failure.Error, failure.Reason!) : ReadPayment(bytes, expectedVersion: 1);
        }

        return new Decoded<PaymentHeader>(null, HeaderDecodeError.Missing, "no PAYMENT-SIGNATURE or X-PAYMENT header");
    }

    public static Decoded<T> Decode<T>(string? header, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        var bytes = DecodeBytes(header, out var failure);
        if (bytes is null)
        {
            return new Decoded<T>(null, failure.Error, failure.Reason!);
        }

        try
        {
            return JsonSerializer.Deserialize(bytes, typeInfo) is { } value
                ? new Decoded<T>(value)
                : new Decoded<T>(null, HeaderDecodeError.WrongShape, "the header's JSON is null");
        }
        catch (JsonException e)
        {
            return new Decoded<T>(null, IsSyntaxError(bytes) ? HeaderDecodeError.NotJson : HeaderDecodeError.WrongShape, Describe(e));
        }
    }

    private static Decoded<PaymentHeader> ReadPayment(byte[] json, int expectedVersion)
    {
        JsonElement raw;
        try
        {
            using var document = JsonDocument.Parse(json);
            raw = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new Decoded<PaymentHeader>(null, HeaderDecodeError.NotJson, "the payment header is not JSON");
        }

        if (raw.ValueKind != JsonValueKind.Object
            || !raw.TryGetProperty("x402Version", out var version)
            || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out var v))
        {
            return new Decoded<PaymentHeader>(null, HeaderDecodeError.WrongShape, "the payment has no x402Version");
        }

        if (v != expectedVersion)
        {
            return new Decoded<PaymentHeader>(null, HeaderDecodeError.UnsupportedVersion,
                $"x402Version {v} in {(expectedVersion == 2 ? X402Headers.PaymentSignature : X402Headers.XPayment)} (expected {expectedVersion})");
        }

        try
        {
            if (v == 2)
            {
                var payload = raw.Deserialize(X402JsonContext.Default.PaymentPayloadV2);
                return payload is { Payload.Transaction: { Length: > 0 }, Accepted: not null }
                    ? new Decoded<PaymentHeader>(new PaymentHeader(2, raw, payload.Payload.Transaction, payload, null))
                    : new Decoded<PaymentHeader>(null, HeaderDecodeError.WrongShape, "the payment has no payload.transaction or accepted");
            }

            var v1 = raw.Deserialize(X402JsonContext.Default.PaymentPayloadV1);
            return v1 is { Payload.Transaction: { Length: > 0 } }
                ? new Decoded<PaymentHeader>(new PaymentHeader(1, raw, v1.Payload.Transaction, null, v1))
                : new Decoded<PaymentHeader>(null, HeaderDecodeError.WrongShape, "the payment has no payload.transaction");
        }
        catch (JsonException e)
        {
            return new Decoded<PaymentHeader>(null, HeaderDecodeError.WrongShape, Describe(e));
        }
    }

    private static byte[]? DecodeBytes(string? header, out (HeaderDecodeError Error, string? Reason) failure)
    {
        failure = default;
        if (string.IsNullOrEmpty(header))
        {
            failure = (HeaderDecodeError.Missing, "the header is missing");
            return null;
        }

        if (header.Length > MaxHeaderLength)
        {
            failure = (HeaderDecodeError.TooLong, $"the header is longer than {MaxHeaderLength} characters");
            return null;
        }

        var trimmed = header.Trim();
        var ascii = Encoding.ASCII.GetBytes(trimmed);
        // Standard alphabet, padded: reject base64url and whitespace inside, as the reference decoders do.
        if (trimmed.Length % 4 != 0 || trimmed.AsSpan().IndexOfAny(NotStandardBase64) >= 0 || !Base64.IsValid(ascii, out _))
        {
            failure = (HeaderDecodeError.NotBase64, "the header is not standard padded base64");
            return null;
        }

        return Convert.FromBase64String(trimmed);
    }

    private static bool IsSyntaxError(byte[] json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    // The exception's path names the field; its message can quote input, so only the path is returned.
    private static string Describe(JsonException e) =>
        e.Path is { Length: > 1 } path ? $"the header's JSON has the wrong shape at {path}" : "the header's JSON has the wrong shape";
}
