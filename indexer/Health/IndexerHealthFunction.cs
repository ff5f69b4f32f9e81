using Bourse.Health;
using Bourse.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Indexer.Health;

public sealed class IndexerHealthFunction(HealthProbe probe)
{
    [Function("IndexerHealth")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/indexer/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await probe.CheckAsync(IndexerApp.Name, cancellationToken);
        return TypedResults.Json(report, BourseJsonContext.Default.HealthReport,
            statusCode: report.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
