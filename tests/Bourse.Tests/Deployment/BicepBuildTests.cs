using Xunit.Abstractions;

namespace Bourse.Tests.Deployment;

/// <summary><c>infra/main.bicep</c> compiles and lints with no diagnostic at all (rules that matter are errors in bicepconfig.json).</summary>
public sealed class BicepBuildTests(ITestOutputHelper output)
{
    [Fact]
    public void Build_MainBicep_CompilesWithoutDiagnostics()
    {
        var (run, json) = BicepCli.Build;
        output.WriteLine($"bicep build: {run.Elapsed.TotalMilliseconds:F0} ms");

        Assert.True(run.ExitCode == 0, $"bicep build exited {run.ExitCode}:\n{run.Diagnostics}");
        Assert.True(run.Diagnostics.Length == 0, $"bicep build reported:\n{run.Diagnostics}");
        Assert.NotNull(json);
    }

    [Fact]
    public void Lint_MainBicep_ReportsNoDiagnostics()
    {
        var run = BicepCli.Lint;
        output.WriteLine($"bicep lint: {run.Elapsed.TotalMilliseconds:F0} ms");

        Assert.True(run.ExitCode == 0, $"bicep lint exited {run.ExitCode}:\n{run.Diagnostics}");
        Assert.True(run.Diagnostics.Length == 0, $"bicep lint reported:\n{run.Diagnostics}");
    }
}
