namespace Bourse.Payments.X402;

/// <summary>One v2 <c>accepts</c> entry: CAIP-2 network, atomic-unit <c>amount</c>.</summary>
public sealed record PaymentRequirementsV2
{
    public required string Scheme { get; init; }

    public required string Network { get; init; }

    public required string Amount { get; init; }

    public required string Asset { get; init; }

    public required string PayTo { get; init; }

    public required int MaxTimeoutSeconds { get; init; }

    public SvmExtra? Extra { get; init; }
}
