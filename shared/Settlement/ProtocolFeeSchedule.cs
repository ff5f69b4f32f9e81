namespace Bourse.Settlement;

/// <summary>
/// The protocol fee over time: a change applies only to calls that happen after it takes effect,
/// so re-settling an old event gives the same split.
/// </summary>
public sealed class ProtocolFeeSchedule
{
    private readonly (DateTimeOffset From, int Bps)[] _steps;

    public ProtocolFeeSchedule(IEnumerable<ProtocolFeeStep> steps)
    {
        _steps = [.. steps.Select(s => (s.EffectiveFrom, s.Bps)).OrderBy(s => s.EffectiveFrom)];
        if (_steps.Length == 0)
        {
            throw new ArgumentException("The protocol fee schedule needs at least one step.", nameof(steps));
        }
    }

    public int BpsAt(DateTimeOffset occurredAt)
    {
        var bps = _steps[0].Bps;
        foreach (var (from, stepBps) in _steps)
        {
            if (from > occurredAt)
            {
                break;
            }

            bps = stepBps;
        }

        return bps;
    }
}
