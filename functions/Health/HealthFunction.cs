using Bourse.Health;
using Bourse.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Functions.Health;

public sealed class HealthFunction(HealthProbe probe)
{
    [Function("Health")]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        var report = await probe.CheckAsync(FunctionsApp.Name, cancellationToken);
        return TypedResults.Json(report, BourseJsonContext.Default.HealthReport,
            statusCode: report.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
