namespace Bourse.Settlement;

/// <summary>
/// How one call's gross charge divides, in micro-USDC. Fees are rounded down and the provider
/// payout takes the remainder, so the three parts always add up to the gross exactly.
/// </summary>
public sealed record FeeSplit(long Gross, long ProviderPayout, long CreatorFee, long ProtocolFee)
{
    public const int BasisPoints = 10_000;

    public static FeeSplit Of(long gross, int creatorFeeBps, int protocolFeeBps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gross);
        ArgumentOutOfRangeException.ThrowIfNegative(creatorFeeBps);
        ArgumentOutOfRangeException.ThrowIfNegative(protocolFeeBps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(creatorFeeBps + protocolFeeBps, BasisPoints);

        var creator = Share(gross, creatorFeeBps);
        var protocol = Share(gross, protocolFeeBps);
        return new FeeSplit(gross, gross - creator - protocol, creator, protocol);
    }

    /// <summary>floor(amount × bps / 10,000) without overflow for any <see cref="long"/> amount.</summary>
    private static long Share(long amount, int bps) => (long)((Int128)amount * bps / BasisPoints);
}
