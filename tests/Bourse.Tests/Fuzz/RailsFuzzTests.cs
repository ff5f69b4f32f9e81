using Bourse.Tests.Infrastructure;
using Bourse.Tests.Routing;
using Xunit.Abstractions;

namespace Bourse.Tests.Fuzz;

/// <summary>
/// rails-fuzz.mjs: a few hundred seeded hostile requests on both chat rails of the running stack. Each
/// answer must be a 4xx in the rail's format, never a 5xx, and neither the account's credits nor the
/// payees' USDC may move. The seed is printed; <c>BOURSE_FUZZ_SEED=n</c> reproduces a run.
/// </summary>
[Collection(PayeeBalances.Name)]
public sealed class RailsFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public async Task BothRails_HostileInput_Every4xxInTheRailsFormatAndNoMoneyMoves()
    {
        var account = await TestAccount.CreateAsync(depositMicroUsdc: 5_000_000);
        var script = Path.Combine(LocalStack.RepositoryRoot, "tests", "Bourse.Tests", "Fuzz", "rails-fuzz.mjs");
        NodeRun run;
        using (var chain = await ChainFile.WriteAsync())
        {
            run = await NodeRun.RunAsync(script, [LocalStack.Instance.Api, chain.Path, account.ApiKey], TimeSpan.FromMinutes(4));
        }

        output.WriteLine(run.Stdout);
        Assert.True(run.ExitCode == 0, run.Failure(script));
        Assert.Contains(" 0 failures", run.Stdout, StringComparison.Ordinal);

        var credits = await account.CreditsAsync();
        Assert.Equal((5_000_000L, 0L, 0L), (credits.GetProperty("deposited").GetInt64(), credits.GetProperty("posted").GetInt64(), credits.GetProperty("pending").GetInt64()));
    }
}
