using Azure;
using Azure.Data.Tables;

namespace Bourse.Payments.X402;

/// <summary>The table row of a payment: partition = payment id, one row.</summary>
internal sealed class PaymentEntity : ITableEntity
{
    public const string Row = "payment";

    public string PartitionKey { get; set; } = "";
    public string RowKey { get; set; } = Row;
    public DateTimeOffset? Timestamp { get; set; }
    public ETag ETag { get; set; }

    public string State { get; set; } = "";
    public int Version { get; set; }
    public string Network { get; set; } = "";
    public string Asset { get; set; } = "";
    public long Amount { get; set; }
    public string PayTo { get; set; } = "";
    public string? ModelId { get; set; }
    public string? Payer { get; set; }
    public string? Signature { get; set; }
    public string? Reason { get; set; }
    public long? ExpiresAtBlockHeight { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
