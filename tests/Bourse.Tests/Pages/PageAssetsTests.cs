using System.Diagnostics;
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
        using var node = Process.Start(new ProcessStartInfo("node", [script, "--check"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        Assert.True(node.ExitCode == 0, $"tools/pages/build.mjs --check failed:\n{await stdout}\n{await stderr}");
        Assert.Contains("page assets are current", await stdout, StringComparison.Ordinal);
    }
}
