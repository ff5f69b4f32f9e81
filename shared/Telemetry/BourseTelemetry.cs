using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Bourse.Telemetry;

/// <summary>
/// The router's and settlement's own traces and metrics (source and meter <see cref="Name"/>), exported
/// by OpenTelemetry where configured (<see cref="TelemetryServiceCollectionExtensions"/>). Attributes are
/// ids and outcomes only: never a key, a secret or prompt text.
/// </summary>
public static class BourseTelemetry
{
    public const string Name = "Bourse";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Chat calls by model, offer, rail and outcome.</summary>
    public static readonly Counter<long> Calls = Meter.CreateCounter<long>("bourse.router.calls", "{call}");

    /// <summary>Time from the request's arrival to the first byte written back, by model and rail.</summary>
    public static readonly Histogram<double> TimeToFirstByte = Meter.CreateHistogram<double>("bourse.router.time_to_first_byte", "ms");

    /// <summary>Admissions by how they were decided: <c>lease</c> (in memory), <c>exact</c> (a per-call hold), <c>refused</c>.</summary>
    public static readonly Counter<long> Admissions = Meter.CreateCounter<long>("bourse.credits.admissions", "{call}");

    /// <summary>Lease grants and renewals written (each one ETag-checked batch).</summary>
    public static readonly Counter<long> LeaseWrites = Meter.CreateCounter<long>("bourse.credits.lease_writes", "{batch}");

    /// <summary>Billing flushes (one entity-group transaction each) and the charges they carried.</summary>
    public static readonly Counter<long> Flushes = Meter.CreateCounter<long>("bourse.credits.flushes", "{batch}");

    public static readonly Counter<long> FlushedCharges = Meter.CreateCounter<long>("bourse.credits.flushed_charges", "{charge}");

    /// <summary>Usage events posted to the settlement ledger, and how long after the call they were posted.</summary>
    public static readonly Counter<long> SettledEvents = Meter.CreateCounter<long>("bourse.settlement.events", "{event}");

    public static readonly Histogram<double> SettlementLag = Meter.CreateHistogram<double>("bourse.settlement.lag", "ms");

    /// <summary>Requests to Table and Queue storage, by service: what each call costs the storage account.</summary>
    public static readonly Counter<long> StorageRequests = Meter.CreateCounter<long>("bourse.storage.requests", "{request}");
}
