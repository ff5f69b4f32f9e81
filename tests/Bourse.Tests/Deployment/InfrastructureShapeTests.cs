using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bourse.Tests.Deployment;

/// <summary>The shape the issue asks for: Flex apps on .NET 10 isolated, keyless storage, RBAC Key Vault without secret values, the identity's roles, azd wiring.</summary>
public sealed partial class InfrastructureShapeTests
{
    private static DeployedInfrastructure Infra => DeployedInfrastructure.Instance;

    private static IEnumerable<JsonObject> OfType(string type) =>
        Infra.AllResources().Where(r => (string?)r["type"] == type);

    [Fact]
    public void StorageAccount_SharedKeyAccess_IsOff()
    {
        var account = Assert.Single(OfType("Microsoft.Storage/storageAccounts"));

        Assert.False((bool?)account["properties"]?["allowSharedKeyAccess"] ?? true);
        Assert.False((bool?)account["properties"]?["allowBlobPublicAccess"] ?? true);
        Assert.Equal("TLS1_2", (string?)account["properties"]?["minimumTlsVersion"]);
    }

    [Fact]
    public void KeyVault_RbacAndNoSecretValues_AreDeclared()
    {
        var vault = Assert.Single(OfType("Microsoft.KeyVault/vaults"));

        Assert.True((bool?)vault["properties"]?["enableRbacAuthorization"]);
        Assert.Empty(OfType("Microsoft.KeyVault/vaults/secrets"));
        Assert.DoesNotContain("accessPolicies", DeployedInfrastructure.Text(vault), StringComparison.Ordinal);
    }

    [Fact]
    public void ApplicationInsights_LocalAuth_IsOffAndWorkspaceBased()
    {
        var component = Assert.Single(OfType("Microsoft.Insights/components"));

        Assert.True((bool?)component["properties"]?["DisableLocalAuth"]);
        Assert.NotNull(component["properties"]?["WorkspaceResourceId"]);
        Assert.Single(OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Theory]
    [InlineData("functions")]
    [InlineData("indexer")]
    public void FunctionApp_Runtime_IsFlexDotnetIsolated10WithIdentity(string service)
    {
        var site = Infra.App(service).Site;
        var properties = site["properties"]!;

        Assert.Equal("functionapp,linux", (string?)site["kind"]);
        Assert.Equal("dotnet-isolated", (string?)properties["functionAppConfig"]?["runtime"]?["name"]);
        Assert.Equal("10.0", (string?)properties["functionAppConfig"]?["runtime"]?["version"]);
        Assert.Equal("UserAssignedIdentity", (string?)properties["functionAppConfig"]?["deployment"]?["storage"]?["authentication"]?["type"]);
        Assert.Equal("UserAssigned", (string?)site["identity"]?["type"]);
        Assert.NotNull(properties["keyVaultReferenceIdentity"]);
        Assert.True((bool?)properties["httpsOnly"]);
        Assert.Contains("'azd-service-name'", DeployedInfrastructure.Text(site["tags"]), StringComparison.Ordinal);
    }

    [Fact]
    public void Plans_EachApp_HasItsOwnFlexConsumptionPlan()
    {
        var plans = OfType("Microsoft.Web/serverfarms").ToList();

        Assert.Equal(Infra.Apps.Count, plans.Count);
        Assert.All(plans, p => Assert.Equal("FC1", (string?)p["sku"]?["name"]));
        Assert.All(plans, p => Assert.Equal("FlexConsumption", (string?)p["sku"]?["tier"]));
    }

    [Fact]
    public void FlexSettings_ForbiddenOnFlex_AreNotSet()
    {
        string[] forbidden = ["FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"];

        Assert.All(Infra.Apps, app => Assert.Empty(app.Settings.Keys.Intersect(forbidden)));
    }

    [Theory]
    [InlineData("Microsoft.Storage/storageAccounts", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b")] // Storage Blob Data Owner
    [InlineData("Microsoft.Storage/storageAccounts", "974c5e8b-45b9-4653-ba55-5f855dd0fb88")] // Storage Queue Data Contributor
    [InlineData("Microsoft.Storage/storageAccounts", "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3")] // Storage Table Data Contributor
    [InlineData("Microsoft.Insights/components", "3913510d-42f4-4e42-8a64-420c390055eb")] // Monitoring Metrics Publisher
    [InlineData("Microsoft.KeyVault/vaults", "4633458b-17de-408a-b874-0445c86b69e6")] // Key Vault Secrets User
    public void RoleAssignments_AppIdentity_HasRoleOnScope(string scopeType, string roleId)
    {
        var granted = Infra.Main["resources"]!.AsArray().OfType<JsonObject>()
            .Select(m => m["properties"]?["template"]).OfType<JsonObject>()
            .SelectMany(template => (template["resources"] as JsonArray ?? []).OfType<JsonObject>()
                .Where(r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments"
                    && ((string?)r["properties"]?["principalId"] ?? "").Contains("Microsoft.ManagedIdentity/userAssignedIdentities", StringComparison.Ordinal))
                .SelectMany(r => RoleIds(template, (string)r["properties"]!["roleDefinitionId"]!).Select(id => (Scope: (string?)r["scope"] ?? "", Id: id))))
            .ToList();

        Assert.Contains(granted, g => g.Id == roleId && g.Scope.Contains($"'{scopeType}'", StringComparison.Ordinal));
    }

    /// <summary>Role ids in a roleDefinitionId expression: <c>variables('roles').x</c> or <c>variables('list')[copyIndex()]</c>.</summary>
    private static IEnumerable<string> RoleIds(JsonObject template, string expression)
    {
        var variables = template["variables"]!.AsObject();
        if (RoleProperty().Match(expression) is { Success: true } property)
        {
            yield return (string)variables[property.Groups["var"].Value]![property.Groups["prop"].Value]!;
        }
        else if (RoleList().Match(expression) is { Success: true } list)
        {
            foreach (var item in variables[list.Groups["var"].Value]!.AsArray())
            {
                var text = (string)item!;
                yield return RoleProperty().Match(text) is { Success: true } m
                    ? (string)variables[m.Groups["var"].Value]![m.Groups["prop"].Value]!
                    : text;
            }
        }
    }

    [Fact]
    public void AzureYaml_Services_AreFunctionAppsMatchingBicepServiceTags()
    {
        var services = AzureYaml.Services(File.ReadAllText(Repository.Path("azure.yaml")));

        Assert.Equal(["functions", "indexer"], services.Keys.Order());
        Assert.Equal(services.Keys.Order(), Infra.Apps.Select(a => a.Service).Order());
        foreach (var (name, service) in services)
        {
            Assert.Equal("dotnet", service.GetValueOrDefault("language"));
            Assert.Equal("function", service.GetValueOrDefault("host"));
            Assert.Equal($"./{name}", service.GetValueOrDefault("project")?.TrimEnd('/'));
            Assert.NotEmpty(Directory.GetFiles(Repository.Path(name), "*.csproj"));
        }
    }

    [Theory]
    [InlineData("AZURE_LOCATION")]
    [InlineData("AZURE_TENANT_ID")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("AZURE_FUNCTIONS_APP_NAME")]
    [InlineData("AZURE_INDEXER_APP_NAME")]
    [InlineData("AZURE_STORAGE_ACCOUNT_NAME")]
    [InlineData("AZURE_KEY_VAULT_NAME")]
    public void Outputs_AzdReads_AreDeclared(string output) =>
        Assert.NotNull(Infra.Main["outputs"]?[output]);

    [Fact]
    public void MainBicep_Scope_IsSubscriptionAndCreatesTheResourceGroup()
    {
        Assert.Contains("subscriptionDeploymentTemplate", (string?)Infra.Main["$schema"], StringComparison.Ordinal);
        Assert.Single(Infra.Main["resources"]!.AsArray(), r => (string?)r!["type"] == "Microsoft.Resources/resourceGroups");
    }

    [Fact]
    public void ParametersFile_EveryValue_IsADeclaredParameterWithAzdPlaceholder()
    {
        var file = JsonNode.Parse(File.ReadAllText(Repository.Path("infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var declared = Infra.Main["parameters"]!.AsObject();

        Assert.All(file, p => Assert.True(declared.ContainsKey(p.Key), $"{p.Key} is not a parameter of main.bicep."));
        Assert.All(file, p => Assert.Matches(@"^\$\{[A-Z_]+(=[^}]*)?\}$", (string?)p.Value?["value"]));
        Assert.All(declared.Where(p => p.Value?["defaultValue"] is null), p => Assert.True(file.ContainsKey(p.Key), $"{p.Key} has no default and is not in main.parameters.json."));
        Assert.Equal("${AZURE_ENV_NAME}", (string?)file["environmentName"]?["value"]);
        Assert.Equal("${AZURE_LOCATION}", (string?)file["location"]?["value"]);
    }

    [GeneratedRegex(@"variables\('(?<var>\w+)'\)\.(?<prop>\w+)")]
    private static partial Regex RoleProperty();

    [GeneratedRegex(@"variables\('(?<var>\w+)'\)\[copyIndex\(\)\]")]
    private static partial Regex RoleList();
}
