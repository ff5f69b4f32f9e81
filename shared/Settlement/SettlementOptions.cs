using Bourse.Configuration;

namespace Bourse.Settlement;

/// <summary>Settlement (section <c>Settlement</c>): the protocol fee over time. Defaults to 100 bps from the beginning.</summary>
[AppScope("functions")]
public sealed class SettlementOptions
{
    public const string SectionName = "Settlement";

    public IList<ProtocolFeeStep> ProtocolFees { get; init; } = [];

    public ProtocolFeeSchedule Schedule() => new(ProtocolFees.Count > 0
        ? ProtocolFees
        : [new ProtocolFeeStep { EffectiveFrom = DateTimeOffset.MinValue, Bps = 100 }]);
}
