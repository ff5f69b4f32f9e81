using Bourse.Payments.X402;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

/// <summary>The real reference facilitator (tools/facilitator) over the local chain.</summary>
public sealed class LocalFacilitatorTests(LocalFacilitatorFixture local) : IClassFixture<LocalFacilitatorFixture>
{
    [Fact]
    public async Task GetSupportedAsync_LocalFacilitator_NamesItsFeePayerForDevnet()
    {
        using var client = FacilitatorClientTests.Client(new SocketsHttpHandler(), options: new X402Options
        {
            TreasuryAddress = local.Treasury,
            FacilitatorUrl = new Uri(local.FacilitatorUrl),
        });

        var supported = await client.GetSupportedAsync();

        Assert.True(supported.IsSuccess, supported.Detail);
        Assert.Equal(local.FeePayer, FeePayerCache.Select(supported.Value!, X402Networks.SolanaDevnet));
        Assert.Contains(supported.Value!.Kinds, k => k is { X402Version: 1, Network: "solana-devnet" });
    }

    /// <summary>
    /// tools/facilitator/test.mjs: @x402/fetch 2.x and x402-fetch 1.x pay the golden 402 and settle through
    /// the facilitator (run here so that ./bourse test covers it).
    /// </summary>
    [Fact]
    public async Task NodeTest_BothClientGenerationsPayTheGolden402_Passes()
    {
        var (code, stdout, stderr) = await LocalFacilitatorFixture.RunNodeAsync(
            ["--test", Path.Combine(LocalStack.RepositoryRoot, "tools", "facilitator", "test.mjs")], TimeSpan.FromMinutes(3));

        Assert.True(code == 0, $"node --test failed ({code}):\n{stdout}\n{stderr}");
    }
}
