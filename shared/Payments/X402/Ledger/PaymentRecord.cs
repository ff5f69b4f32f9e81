using Azure;

namespace Bourse.Payments.X402;

/// <summary>One payment as the ledger holds it. <see cref="ETag"/> guards every transition.</summary>
/// <param name="Id">Hex SHA-256 of the transaction's message bytes.</param>
/// <param name="Signature">The transaction id (base58 fee payer signature), once the facilitator returned it.</param>
/// <param name="ExpiresAtBlockHeight">A block height after which an unseen signature can never land.</param>
public sealed record PaymentRecord(
    string Id,
    PaymentState State,
    int Version,
    string Network,
    string Asset,
    long Amount,
    string PayTo,
    string? ModelId,
    string? Payer,
    string? Signature,
    string? Reason,
    ulong? ExpiresAtBlockHeight,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    ETag ETag);
