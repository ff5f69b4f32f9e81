using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Bourse.Tests.Deployment;

/// <summary>One function app as the compiled Bicep deploys it.</summary>
/// <param name="Service">The azd service (tag <c>azd-service-name</c>): <c>functions</c> or <c>indexer</c>.</param>
/// <param name="Settings">App setting name → value as written in the ARM JSON (a literal or an ARM expression).</param>
internal sealed record DeployedApp(string Service, IReadOnlyDictionary<string, string> Settings, JsonObject Site);

/// <summary>
/// What <c>infra/main.bicep</c> deploys, read from its ARM JSON (<c>bicep build</c>): the function apps
/// with their app settings, the queues and tables, and every resource for structural checks.
/// App settings are collected where <c>infra/app/functionapp.bicep</c> builds them: the module's
/// <c>appSettings</c> parameter plus its <c>*Settings</c> variables, and the site is checked to apply both.
/// </summary>
internal sealed partial class DeployedInfrastructure
{
    private static readonly Lazy<DeployedInfrastructure> Compiled = new(() =>
    {
        var (run, json) = BicepCli.Build;
        if (run.ExitCode != 0 || json is null)
        {
            throw new InvalidOperationException($"bicep build failed ({run.ExitCode}):\n{run.Diagnostics}");
        }

        return Parse(json);
    });

    private DeployedInfrastructure(JsonObject main, IReadOnlyList<DeployedApp> apps, IReadOnlySet<string> queues, IReadOnlySet<string> tables)
    {
        Main = main;
        Apps = apps;
        Queues = queues;
        Tables = tables;
    }

    public static DeployedInfrastructure Instance => Compiled.Value;

    public JsonObject Main { get; }

    public IReadOnlyList<DeployedApp> Apps { get; }

    public IReadOnlySet<string> Queues { get; }

    public IReadOnlySet<string> Tables { get; }

    public DeployedApp App(string service) =>
        Apps.SingleOrDefault(a => a.Service == service)
        ?? throw new InvalidOperationException($"No function app with azd-service-name '{service}' in the Bicep; found: {string.Join(", ", Apps.Select(a => a.Service))}.");

    /// <summary>Every resource, in the main template and in nested module templates (depth first).</summary>
    public IEnumerable<JsonObject> AllResources() => Flatten(Main);

    public static DeployedInfrastructure Parse(string armJson)
    {
        var main = JsonNode.Parse(armJson)!.AsObject();
        var apps = new List<DeployedApp>();
        var queues = new HashSet<string>(StringComparer.Ordinal);
        var tables = new HashSet<string>(StringComparer.Ordinal);

        foreach (var module in Resources(main).Where(r => Type(r) == "Microsoft.Resources/deployments"))
        {
            var template = module["properties"]?["template"]?.AsObject();
            var parameters = module["properties"]?["parameters"]?.AsObject();
            if (template is null || parameters is null)
            {
                continue;
            }

            var inner = Resources(template).ToList();
            if (inner.FirstOrDefault(r => Type(r) == "Microsoft.Web/sites") is { } site)
            {
                var service = Resolve(main, parameters["serviceName"]?["value"])?.GetValue<string>()
                    ?? throw new InvalidOperationException($"Function app module '{module["name"]}' has no literal serviceName.");
                apps.Add(new DeployedApp(service, AppSettings(main, template, parameters), site));
            }

            if (inner.Any(r => Type(r) == "Microsoft.Storage/storageAccounts/queueServices/queues"))
            {
                queues.UnionWith(Strings(Resolve(main, parameters["queues"]?["value"])));
            }

            if (inner.Any(r => Type(r) == "Microsoft.Storage/storageAccounts/tableServices/tables"))
            {
                tables.UnionWith(Strings(Resolve(main, parameters["tables"]?["value"])));
            }
        }

        return new DeployedInfrastructure(main, apps, queues, tables);
    }

    /// <summary>True when an app setting value is a Key Vault reference, as written in Bicep or compiled to ARM.</summary>
    public static bool IsKeyVaultReference(string value) => KeyVaultReference().IsMatch(value);

    private static Dictionary<string, string> AppSettings(JsonObject main, JsonObject template, JsonObject parameters)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<string>();
        if (Resolve(main, parameters["appSettings"]?["value"]) is JsonObject passed)
        {
            Add(passed);
            sources.Add("parameters('appSettings')");
        }

        foreach (var (name, value) in template["variables"]?.AsObject() ?? [])
        {
            if (name.EndsWith("Settings", StringComparison.Ordinal) && value is JsonObject variable)
            {
                Add(variable);
                sources.Add($"variables('{name}')");
            }
        }

        // Guard against collecting settings the site does not apply.
        var site = Resources(template).Single(r => Type(r) == "Microsoft.Web/sites");
        var applied = Text(site["properties"]?["siteConfig"]);
        foreach (var source in sources)
        {
            if (!applied.Contains(source, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"The site's siteConfig does not use {source}: {applied}");
            }
        }

        return settings;

        void Add(JsonObject values)
        {
            foreach (var (name, value) in values)
            {
                settings[name] = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            }
        }
    }

    /// <summary>Resolves <c>[variables('x')]</c> and <c>[parameters('x')]</c> (to its default) in the main template.</summary>
    public static JsonNode? Resolve(JsonObject main, JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text) && SimpleReference().Match(text) is { Success: true } match)
        {
            var name = match.Groups["name"].Value;
            return match.Groups["kind"].Value == "variables"
                ? Resolve(main, main["variables"]?[name])
                : Resolve(main, main["parameters"]?[name]?["defaultValue"]);
        }

        return node;
    }

    /// <summary>Property names and string values under a node, unescaped, one per line (for "does it mention" checks).</summary>
    public static string Text(JsonNode? node) => node switch
    {
        JsonObject o => string.Join('\n', o.Select(p => p.Key + "\n" + Text(p.Value))),
        JsonArray a => string.Join('\n', a.Select(Text)),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        null => "",
        _ => node.ToJsonString(),
    };

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()) : [];

    private static string? Type(JsonObject resource) => resource["type"]?.GetValue<string>();

    /// <summary>Resources of a template: an array, or an object keyed by symbolic name (languageVersion 2.0).</summary>
    private static IEnumerable<JsonObject> Resources(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    private static IEnumerable<JsonObject> Flatten(JsonObject template)
    {
        foreach (var resource in Resources(template))
        {
            yield return resource;
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Flatten(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex(@"^\[(?<kind>variables|parameters)\('(?<name>[^']+)'\)\]$")]
    private static partial Regex SimpleReference();

    [GeneratedRegex(@"@Microsoft\.KeyVault\((VaultName=[^;)]+;SecretName=[A-Za-z0-9-]+(;SecretVersion=[A-Za-z0-9]*)?|SecretUri=[^)]+)\)")]
    private static partial Regex KeyVaultReference();
}
