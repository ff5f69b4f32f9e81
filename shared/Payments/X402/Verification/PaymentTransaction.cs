using System.Security.Cryptography;
using Bourse.Solana;
using SimpleBase;

namespace Bourse.Payments.X402;

/// <summary>
/// What identifies a payment in its wire transaction: its signatures and the SHA-256 of its
/// message bytes. The message hash is what the facilitator deduplicates on and is the same before and
/// after the fee payer co-signs, so it is the payment's durable id.
/// </summary>
public sealed record PaymentTransaction(int RequiredSignatures, IReadOnlyList<string> Signatures, string MessageHash, string FeePayer, bool IsVersioned)
{
    /// <summary>The payer's signature: the first non-empty one after the fee payer's slot.</summary>
    public string? PayerSignature => Signatures.Skip(1).FirstOrDefault(s => s != EmptySignature);

    internal static string EmptySignature { get; } = Base58.Bitcoin.Encode(new byte[Transaction.SignatureLength]);

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

        if (bytes.Length > Transaction.MaxSize)
        {
            reason = "the transaction is larger than 1232 bytes";
            return null;
        }

        Transaction transaction;
        try
        {
            transaction = Transaction.Deserialize(bytes);
        }
        catch (FormatException e)
        {
            reason = "the transaction is malformed: " + e.Message;
            return null;
        }

        if (transaction.Signatures.Count == 0 || transaction.Message.AccountKeys.Count == 0)
        {
            reason = "the transaction has no signatures";
            return null;
        }

        return new PaymentTransaction(
            transaction.Signatures.Count,
            [.. transaction.Signatures.Select(s => Base58.Bitcoin.Encode(s))],
            Convert.ToHexStringLower(SHA256.HashData(transaction.MessageBytes)),
            transaction.Message.AccountKeys[0].ToString(),
            transaction.Message.IsVersioned);
    }
}
