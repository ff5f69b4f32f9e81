using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;
using Bourse.Tests.Deployment.Fakes;

namespace Bourse.Tests.Deployment;

/// <summary>The discovery and coverage rules themselves, on fake options and functions: they find what is missing.</summary>
public sealed class RequirementDiscoveryTests
{
    [Fact]
    public void Settings_RequiredSecretAndNested_AreNamedWithDoubleUnderscores()
    {
        var keys = CodeRequirements.Settings(typeof(FakeOptions)).ToDictionary(r => r.Key);

        Assert.Equal(["Fake__Section__ApiKey", "Fake__Section__Endpoints", "Fake__Section__Upstream", "Fake__Section__Upstream__Token", "Fake__Section__Url"], keys.Keys.Order());
        Assert.True(keys["Fake__Section__Url"].Required);
        Assert.False(keys["Fake__Section__ApiKey"].Required);
        Assert.True(keys["Fake__Section__ApiKey"].Secret);
        Assert.True(keys["Fake__Section__Upstream__Token"] is { Required: true, Secret: true });
    }

    [Fact]
    public void AppScope_AttributeByName_NamesTheServices()
    {
        Assert.Equal(["functions"], CodeRequirements.AppScope(typeof(FakeOptions)) ?? []);
        Assert.Null(CodeRequirements.AppScope(typeof(FakeUpstream)));
    }

    [Fact]
    public void Problems_MissingRequiredSetting_IsReported()
    {
        var settings = new Dictionary<string, string> { ["Fake__Section__Endpoints__0"] = "https://x" };

        var problems = CodeRequirements.Settings(typeof(FakeOptions)).SelectMany(r => Coverage.Problems(r, "functions", settings)).ToList();

        Assert.Contains(problems, p => p.Contains("'Fake__Section__Url' is not set", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("Endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_SecretAsLiteral_IsReported()
    {
        var settings = new Dictionary<string, string>
        {
            ["Fake__Section__Url"] = "https://x",
            ["Fake__Section__Endpoints__0"] = "https://x",
            ["Fake__Section__Upstream__Token"] = "[format('@Microsoft.KeyVault(VaultName={0};SecretName=upstream-token)', variables('names').keyVault)]",
            ["Fake__Section__ApiKey"] = "sk-live-in-clear",
        };

        var problems = CodeRequirements.Settings(typeof(FakeOptions)).SelectMany(r => Coverage.Problems(r, "functions", settings)).ToList();

        var problem = Assert.Single(problems);
        Assert.Contains("Fake__Section__ApiKey", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Bindings_TriggerAttributes_YieldSettingNamesQueuesAndConnections()
    {
        var (settings, storage) = CodeRequirements.Bindings([typeof(FakeFunctions)]);

        Assert.Equal(["FAKE_QUEUE", "FAKE_SCHEDULE"], settings.Select(s => s.Key).Order());
        Assert.Contains(storage, b => b is { Kind: StorageKind.Queue, Name: "%FAKE_QUEUE%", Connection: "AzureWebJobsStorage", IsTrigger: true });
        Assert.Contains(storage, b => b is { Kind: StorageKind.Queue, Name: "fake-out", Connection: "Other", IsTrigger: false });
        Assert.Contains(storage, b => b is { Kind: StorageKind.Table, Name: "FakeTable" });
    }

    [Fact]
    public void Problems_ConnectionWithoutIdentitySettings_IsReported()
    {
        var binding = new StorageBinding(StorageKind.Queue, "q", "Other", true, "test");
        var partial = new Dictionary<string, string> { ["Other__queueServiceUri"] = "https://x" };
        var complete = new Dictionary<string, string>
        {
            ["Other__queueServiceUri"] = "https://x", ["Other__credential"] = "managedidentity", ["Other__clientId"] = "id",
        };

        Assert.Equal(2, Coverage.Problems(binding, "functions", partial).Count());
        Assert.Single(Coverage.Problems(binding, "functions", new Dictionary<string, string>()));
        Assert.Empty(Coverage.Problems(binding, "functions", complete));
        Assert.Single(Coverage.Problems(binding, "functions", new Dictionary<string, string> { ["Other"] = "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc" }));
    }

    [Theory]
    [InlineData("Providers__DeepSeek__ApiKey", true)]
    [InlineData("Admin__Token", true)]
    [InlineData("Crank__Keypair", true)]
    [InlineData("Solana__Network", false)]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", false)]
    public void LooksSecret_SettingName_Classifies(string name, bool expected) =>
        Assert.Equal(expected, Coverage.LooksSecret(name));

    [Theory]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-1;SecretName=admin-token)", true)]
    [InlineData("[format('@Microsoft.KeyVault(VaultName={0};SecretName=admin-token)', variables('names').keyVault)]", true)]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)", true)]
    [InlineData("admin-token-in-clear", false)]
    [InlineData("@Microsoft.KeyVault(VaultName=kv-1)", false)]
    public void IsKeyVaultReference_Value_Classifies(string value, bool expected) =>
        Assert.Equal(expected, DeployedInfrastructure.IsKeyVaultReference(value));

    [Fact]
    public void Parse_TemplateMissingAQueue_ShowsOnlyDeclaredQueues()
    {
        const string arm = """
            { "variables": { "q": ["settlement"] }, "parameters": {},
              "resources": [ { "type": "Microsoft.Resources/deployments", "name": "storage",
                "properties": { "parameters": { "queues": { "value": "[variables('q')]" }, "tables": { "value": [] } },
                  "template": { "resources": [ { "type": "Microsoft.Storage/storageAccounts/queueServices/queues" },
                                               { "type": "Microsoft.Storage/storageAccounts/tableServices/tables" } ] } } } ] }
            """;

        var infra = DeployedInfrastructure.Parse(arm);

        Assert.Equal(["settlement"], infra.Queues);
        Assert.Empty(infra.Tables);
        Assert.Empty(infra.Apps);
    }

    [Fact]
    public void AzureYaml_ServicesBlock_IsRead()
    {
        var services = AzureYaml.Services("name: x\nservices:\n  api:\n    project: ./api/ # c\n    host: function\ninfra:\n  path: infra\n");

        Assert.Equal("./api/", Assert.Single(services).Value["project"]);
    }
}
