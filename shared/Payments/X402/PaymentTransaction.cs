using System.Security.Cryptography;
using SimpleBase;

namespace Bourse.Payments.X402;

/// <summary>
/// Just enough of a wire transaction to identify a payment: its signatures and the SHA-256 of its
/// message bytes. The message hash is what the facilitator deduplicates on and is the same before and
/// after the fee payer co-signs, so it is the payment's durable id.
/// </summary>
public sealed record PaymentTransaction(int RequiredSignatures, IReadOnlyList<string> Signatures, string MessageHash, string FeePayer, bool IsVersioned)
{
    private const int SignatureLength = 64;
    private const int KeyLength = 32;
    private const int MaxTransactionBytes = 1232;

    /// <summary>The payer's signature: the first non-empty one after the fee payer's slot.</summary>
    public string? PayerSignature => Signatures.Skip(1).FirstOrDefault(s => s != EmptySignature);

    internal static string EmptySignature { get; } = Base58.Bitcoin.Encode(new byte[SignatureLength]);

    /// <summary>Reads a base64 wire transaction; null with a reason when it is not one.</summary>
    public static PaymentTransaction? TryRead(string base64, out string? reason)
    {
        reason = null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            reason = "the transaction is not base64";
            return null;
        }

        if (bytes.Length > MaxTransactionBytes)
        {
            reason = "the transaction is larger than 1232 bytes";
            return null;
        }

        var span = bytes.AsSpan();
        if (!TryReadCompactU16(span, out var count, out var offset) || count == 0)
        {
            reason = "the transaction has no signatures";
            return null;
        }

        if (span.Length < offset + (count * SignatureLength) + 4)
        {
            reason = "the transaction is truncated";
            return null;
        }

        var signatures = new string[count];
        for (var i = 0; i < count; i++)
        {
            signatures[i] = Base58.Bitcoin.Encode(span.Slice(offset + (i * SignatureLength), SignatureLength));
        }

        var message = span[(offset + (count * SignatureLength))..];
        // v0 messages start with 0x80 | version; legacy ones start directly with the header.
        var versioned = (message[0] & 0x80) != 0;
        var header = versioned ? message[1..] : message;
        var required = header[0];
        if (required != count)
        {
            reason = "the signature count does not match the message header";
            return null;
        }

        if (!TryReadCompactU16(header[3..], out var keys, out var keysOffset) || keys == 0 || header.Length < 3 + keysOffset + (keys * KeyLength))
        {
            reason = "the message's account keys are truncated";
            return null;
        }

        var feePayer = Base58.Bitcoin.Encode(header.Slice(3 + keysOffset, KeyLength));
        var hash = Convert.ToHexStringLower(SHA256.HashData(message));
        return new PaymentTransaction(required, signatures, hash, feePayer, versioned);
    }

    private static bool TryReadCompactU16(ReadOnlySpan<byte> data, out int value, out int length)
    {
        value = 0;
        length = 0;
        for (var shift = 0; shift <= 14; shift += 7)
        {
            if (length >= data.Length)
            {
                return false;
            }

            var b = data[length++];
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value <= ushort.MaxValue;
            }
        }

        return false;
    }
}
