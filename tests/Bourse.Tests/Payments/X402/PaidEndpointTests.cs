using System.Diagnostics;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// paid-endpoint.mjs: @x402/fetch 2.x (v2) and x402-fetch 1.x (v1), unmodified, pay Bourse's own
/// <c>POST /api/x402/v1/chat/completions</c> on the running stack (local chain, local facilitator,
/// upstream simulator): 402 shapes, payment into the model's vault, stream, replay refused, upstream
/// failure settles nothing.
/// </summary>
[Collection(PayeeBalances.Name)]
public sealed class PaidEndpointTests
{
    [Fact]
    public async Task RealClients_PayTheBourseEndpoint_EndToEnd()
    {
        var script = Path.Combine(LocalStack.RepositoryRoot, "tests", "Bourse.Tests", "Payments", "X402", "paid-endpoint.mjs");
        var chainFile = Path.Combine(Path.GetTempPath(), $"chain-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(chainFile, LocalStack.Instance.Chain.GetRawText());
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", ["--test-concurrency=1", script, LocalStack.Instance.Api, chainFile])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            await node.WaitForExitAsync();

            Assert.True(node.ExitCode == 0, $"paid-endpoint.mjs failed:\n{await stdout}\n{await stderr}");
            Assert.Contains("# pass 16", await stdout, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(chainFile);
        }
    }
}
