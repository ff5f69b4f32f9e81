using Azure.Core;
using Azure.Core.Pipeline;

namespace Bourse.Telemetry;

/// <summary>Counts every request the storage clients send (retries included) in <see cref="BourseTelemetry.StorageRequests"/>.</summary>
public sealed class StorageRequestCounter(string service) : HttpPipelineSynchronousPolicy
{
    private readonly KeyValuePair<string, object?> _service = new("service", service);

    public override void OnSendingRequest(HttpMessage message) => BourseTelemetry.StorageRequests.Add(1, _service);
}
