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
        using var chain = await ChainFile.WriteAsync();

        var run = await NodeRun.RunAsync(script, [LocalStack.Instance.Api, chain.Path], nodeOptions: ["--test-concurrency=1"]);

        Assert.True(run.ExitCode == 0, run.Failure(script));
        Assert.Contains("# pass 16", run.Stdout, StringComparison.Ordinal);
    }
}
