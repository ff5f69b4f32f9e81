using System.Diagnostics;

namespace Bourse.Tests.Infrastructure;

/// <summary>A Node script run to its end (the npm clients, the page build, the fuzzer): its exit code and what it printed.</summary>
internal sealed record NodeRun(int ExitCode, string Stdout, string Stderr)
{
    /// <param name="nodeOptions">Node's own options (before the script), e.g. <c>--test-concurrency=1</c>.</param>
    public static async Task<NodeRun> RunAsync(string script, IEnumerable<string> args, TimeSpan? timeout = null, IEnumerable<string>? nodeOptions = null)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[.. nodeOptions ?? [], script, .. args])
        {
            start.ArgumentList.Add(arg);
        }

        using var node = Process.Start(start)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        await node.WaitForExitAsync(limit.Token);
        return new NodeRun(node.ExitCode, await stdout, await stderr);
    }

    /// <summary>The assertion message when it failed: the script and both outputs.</summary>
    public string Failure(string script) => $"{Path.GetFileName(script)} failed:\n{Stdout}\n{Stderr}";
}
