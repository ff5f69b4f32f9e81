using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Pages;

/// <summary>
/// The committed page bundle (functions/Pages/assets, embedded in the functions app) is what the pinned
/// esbuild and uPlot build from functions/Pages/web today, and the sources type-check.
/// </summary>
public sealed class PageAssetsTests
{
    [Fact]
    public async Task CommittedBundle_IsAFreshBuildOfTheSources()
    {
        var script = Path.Combine(LocalStack.RepositoryRoot, "tools", "pages", "build.mjs");
        var run = await NodeRun.RunAsync(script, ["--check"]);

        Assert.True(run.ExitCode == 0, run.Failure(script));
        Assert.Contains("page assets are current", run.Stdout, StringComparison.Ordinal);
    }
}
