using System.Reflection;

namespace Bourse.Tests.Deployment;

/// <summary>
/// Every configuration key the two apps bind is set by the Bicep on the app that needs it, and
/// every secret comes from Key Vault. Keys are discovered by reflection, so new options and
/// functions are covered without touching this file.
/// </summary>
public sealed class AppSettingsCoverageTests
{
    private static DeployedInfrastructure Infra => DeployedInfrastructure.Instance;

    /// <summary>
    /// Options types with the services whose settings must carry them: an app's own options go to
    /// that app; shared options go to both, unless the class carries an <c>[AppScope("functions", ...)]</c>
    /// attribute (matched by name, so it can be added to Bourse.Shared whenever needed).
    /// </summary>
    internal static IEnumerable<(Type Options, string[] Services)> ScopedOptions()
    {
        foreach (var type in CodeRequirements.OptionsTypes(CodeRequirements.Load(CodeRequirements.SharedAssembly)))
        {
            yield return (type, CodeRequirements.AppScope(type) ?? [.. CodeRequirements.AppAssemblies.Keys]);
        }

        foreach (var (service, assembly) in CodeRequirements.AppAssemblies)
        {
            foreach (var type in CodeRequirements.OptionsTypes(CodeRequirements.Load(assembly)))
            {
                yield return (type, [service]);
            }
        }
    }

    [Fact]
    public void AppAssemblies_Load_BothAppsAndShared()
    {
        var names = CodeRequirements.AppAssemblies.Values.Append(CodeRequirements.SharedAssembly);

        Assert.All(names, name => Assert.NotNull(CodeRequirements.Load(name)));
    }

    [Fact]
    public void OptionsSettings_RequiredAndSecret_AreSetOnTheirApps()
    {
        var problems = new List<string>();
        foreach (var (options, services) in ScopedOptions())
        {
            foreach (var requirement in CodeRequirements.Settings(options))
            {
                foreach (var service in services)
                {
                    problems.AddRange(Coverage.Problems(requirement, service, Infra.App(service).Settings));
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void BindingExpressions_PercentSettingNames_AreSetOnTheirApp()
    {
        var problems = new List<string>();
        foreach (var (service, assembly) in CodeRequirements.AppAssemblies)
        {
            var settings = Infra.App(service).Settings;
            foreach (var requirement in CodeRequirements.Bindings(CodeRequirements.Load(assembly)).Settings)
            {
                problems.AddRange(Coverage.Problems(requirement, service, settings));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void StorageConnections_EveryBindingAndTheHost_AreIdentityBased()
    {
        var problems = new List<string>();
        foreach (var (service, assembly) in CodeRequirements.AppAssemblies)
        {
            var settings = Infra.App(service).Settings;
            IEnumerable<StorageBinding> host =
            [
                // The host itself (leases, timers, queue listeners) and the Bourse storage clients.
                new(StorageKind.Blob, null, CodeRequirements.DefaultConnection, false, "Functions host"),
                new(StorageKind.Queue, null, CodeRequirements.DefaultConnection, false, "Bourse.Storage queues"),
                new(StorageKind.Table, null, CodeRequirements.DefaultConnection, false, "Bourse.Storage tables"),
            ];
            foreach (var binding in host.Concat(CodeRequirements.Bindings(CodeRequirements.Load(assembly)).Storage))
            {
                problems.AddRange(Coverage.Problems(binding, service, settings));
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void SecretLookingSettings_EveryApp_AreKeyVaultReferences()
    {
        var clear = Infra.Apps
            .SelectMany(app => app.Settings.Select(s => (app.Service, s.Key, s.Value)))
            .Where(s => Coverage.LooksSecret(s.Key) && !DeployedInfrastructure.IsKeyVaultReference(s.Value))
            .Select(s => $"{s.Service}: {s.Key} = {s.Value}")
            .ToList();

        Assert.True(clear.Count == 0, "Secrets in clear:\n" + string.Join('\n', clear));
    }

    [Theory]
    [InlineData("functions", "APPLICATIONINSIGHTS_CONNECTION_STRING", false)]
    [InlineData("functions", "Solana__RpcUrls__0", true)]
    [InlineData("functions", "X402__Network", false)]
    [InlineData("functions", "X402__UsdcMint", false)]
    [InlineData("functions", "X402__TreasuryAddress", false)]
    [InlineData("functions", "X402__FacilitatorUrl", false)]
    [InlineData("functions", "X402__PayAiKeyId", true)]
    [InlineData("functions", "X402__PayAiKeySecret", true)]
    [InlineData("functions", "Admin__Token", true)]
    [InlineData("functions", "Treasury__Keypair", true)]
    [InlineData("functions", "Buyback__CrankKeypair", true)]
    [InlineData("functions", "Buyback__JupiterApiKey", true)]
    [InlineData("functions", "Harvest__WithdrawAuthorityKeypair", true)]
    [InlineData("functions", "HARVEST_SCHEDULE", false)]
    [InlineData("functions", "Providers__DeepSeek__ApiKey", true)]
    [InlineData("functions", "Providers__Moonshot__ApiKey", true)]
    [InlineData("functions", "Providers__Cerebras__ApiKey", true)]
    [InlineData("functions", "Providers__HuggingFace__ApiKey", true)]
    [InlineData("functions", "Providers__Chutes__ApiKey", true)]
    [InlineData("functions", "BUYBACK_SCHEDULE", false)]
    [InlineData("functions", "SWEEP_SCHEDULE", false)]
    [InlineData("indexer", "APPLICATIONINSIGHTS_CONNECTION_STRING", false)]
    [InlineData("indexer", "Solana__RpcUrls__0", true)]
    [InlineData("indexer", "INDEXER_SCHEDULE", false)]
    public void IssueSettings_Declared_AreSetAndSecretsFromKeyVault(string service, string key, bool secret)
    {
        var settings = Infra.App(service).Settings;

        Assert.True(settings.TryGetValue(key, out var value), $"{service}: {key} is not set.");
        Assert.Equal(secret, DeployedInfrastructure.IsKeyVaultReference(value));
    }

    [Fact]
    public void Secrets_IndexerApp_GetsOnlyTheSecretsItsOptionsNeed()
    {
        var needed = ScopedOptions().Where(o => o.Services.Contains("indexer"))
            .SelectMany(o => CodeRequirements.Settings(o.Options)).Select(r => r.Key).ToList();

        var extra = Infra.App("indexer").Settings
            .Where(s => DeployedInfrastructure.IsKeyVaultReference(s.Value) && !s.Key.StartsWith("Solana__RpcUrls__", StringComparison.Ordinal))
            .Where(s => !needed.Any(k => s.Key == k || s.Key.StartsWith(k + "__", StringComparison.Ordinal)))
            .Select(s => s.Key).ToList();

        Assert.True(extra.Count == 0, "The indexer gets secrets no indexer options bind: " + string.Join(", ", extra));
    }

    [Fact]
    public void Network_DevnetAndMainnet_SelectMatchingCaip2AndUsdcMint()
    {
        var networks = DeployedInfrastructure.Resolve(Infra.Main, Infra.Main["variables"]?["networks"])!;

        Assert.Equal("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", (string?)networks["devnet"]?["caip2"]);
        Assert.Equal("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", (string?)networks["devnet"]?["usdcMint"]);
        Assert.Equal("solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", (string?)networks["mainnet"]?["caip2"]);
        Assert.Equal("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", (string?)networks["mainnet"]?["usdcMint"]);
        Assert.Equal("devnet", (string?)Infra.Main["parameters"]?["solanaNetwork"]?["defaultValue"]);
    }

    internal static Assembly Shared => CodeRequirements.Load(CodeRequirements.SharedAssembly);
}
