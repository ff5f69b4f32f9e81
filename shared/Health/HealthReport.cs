using System.Text.Json.Serialization;

namespace Bourse.Health;

/// <summary>What <c>GET /api/health</c> answers: overall status, the build's version and each dependency.</summary>
public sealed record HealthReport(string Status, string App, string Version, DateTimeOffset CheckedAt, IReadOnlyList<DependencyHealth> Dependencies)
{
    [JsonIgnore]
    public bool IsHealthy => Status == HealthStatus.Healthy;
}
