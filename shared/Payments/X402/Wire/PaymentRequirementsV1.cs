namespace Bourse.Payments.X402;

/// <summary>
/// One v1 <c>accepts</c> entry (x402@1.2.0): v1 network name, <c>maxAmountRequired</c>, absolute
/// <c>resource</c>, <c>mimeType</c>, integer timeout. <see cref="Amount"/> repeats the price for pay.sh,
/// whose catalog reads <c>accepts[].amount</c> from the body; v1 clients ignore extra keys.
/// </summary>
public sealed record PaymentRequirementsV1
{
    public required string Scheme { get; init; }

    public required string Network { get; init; }

    public required string MaxAmountRequired { get; init; }

    public required string Amount { get; init; }

    public required string Resource { get; init; }

    public required string Description { get; init; }

    public required string MimeType { get; init; }

    public required string PayTo { get; init; }

    public required int MaxTimeoutSeconds { get; init; }

    public required string Asset { get; init; }

    public SvmExtra? Extra { get; init; }
}
