using System.ComponentModel.DataAnnotations;

namespace Bourse.Settlement;

/// <summary>From <see cref="EffectiveFrom"/> on, the protocol takes <see cref="Bps"/> basis points of each call.</summary>
public sealed record ProtocolFeeStep
{
    public DateTimeOffset EffectiveFrom { get; init; }

    [Range(0, 10_000)]
    public int Bps { get; init; }
}
