using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Bourse.LocalHost.Admin;

/// <summary>
/// Running totals of every counter the apps publish on meters named <c>Bourse*</c>, summed over their
/// attributes, for <c>GET /admin/metrics</c> (what benchmarks read, e.g. storage requests per call).
/// </summary>
public sealed class MeterTotals : IDisposable
{
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly MeterListener _listener = new();

    public MeterTotals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name.StartsWith("Bourse", StringComparison.Ordinal) && instrument is Counter<long>)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.Start();
    }

    public IReadOnlyDictionary<string, long> Snapshot() => new SortedDictionary<string, long>(_totals, StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();
}
