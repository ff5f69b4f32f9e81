using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.RegularExpressions;
using Bourse.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bourse.Tests.Deployment;

/// <summary>An app setting the code needs. <paramref name="Secret"/>: it must be a Key Vault reference.</summary>
internal sealed record SettingRequirement(string Key, bool Required, bool Secret, string Source);

internal enum StorageKind
{
    Blob,
    Queue,
    Table,
}

/// <summary>A storage binding on a function: the connection it names and the queue or table it touches.</summary>
/// <param name="Name">Queue or table name as declared (may be <c>%Setting%</c>); null for blob bindings.</param>
internal sealed record StorageBinding(StorageKind Kind, string? Name, string Connection, bool IsTrigger, string Source);

/// <summary>
/// What the code needs from the deployment, discovered by reflection over the app assemblies:
/// options classes (<c>public const string SectionName</c>, <c>[Required]</c>, <c>[Secret]</c>),
/// binding attributes (<c>%Setting%</c> names, <c>Connection</c>, queue and table names), and the
/// <c>Bourse.Storage.QueueNames</c> / <c>TableNames</c> constants. Attributes are matched by name so
/// the checks need no compile-time reference to the Functions worker packages.
/// </summary>
internal static partial class CodeRequirements
{
    public const string SharedAssembly = "Bourse.Shared";
    public const string DefaultConnection = "AzureWebJobsStorage";

    /// <summary>azd service name → the app's assembly.</summary>
    public static readonly IReadOnlyDictionary<string, string> AppAssemblies = new Dictionary<string, string>
    {
        ["functions"] = "Bourse.Functions",
        ["indexer"] = "Bourse.Indexer",
    };

    private static readonly HashSet<string> QueueAttributes = ["QueueTriggerAttribute", "QueueOutputAttribute", "QueueInputAttribute"];
    private static readonly HashSet<string> TableAttributes = ["TableInputAttribute", "TableOutputAttribute"];
    private static readonly HashSet<string> BlobAttributes = ["BlobTriggerAttribute", "BlobInputAttribute", "BlobOutputAttribute"];

    public static Assembly Load(string name) => Assembly.Load(new AssemblyName(name));

    /// <summary>Types of an assembly, tolerating types whose dependencies are not loadable here.</summary>
    public static IEnumerable<Type> TypesOf(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    /// <summary>Options types: those declaring <c>public const string SectionName</c>.</summary>
    public static IEnumerable<Type> OptionsTypes(Assembly assembly) =>
        TypesOf(assembly).Where(t => SectionName(t) is not null);

    public static string? SectionName(Type type) =>
        type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly) is { IsLiteral: true } field
            && field.GetRawConstantValue() is string name ? name : null;

    /// <summary>
    /// App settings an options type binds: <c>[Required]</c> properties (recursing into required
    /// nested objects) and <c>[Secret]</c> properties, named <c>Section__Property</c>.
    /// </summary>
    public static IEnumerable<SettingRequirement> Settings(Type optionsType)
    {
        var section = SectionName(optionsType) ?? throw new ArgumentException($"{optionsType} has no SectionName.", nameof(optionsType));
        return Settings(optionsType, ToSettingName(section), parentRequired: true, optionsType.FullName!, depth: 0);
    }

    private static IEnumerable<SettingRequirement> Settings(Type type, string prefix, bool parentRequired, string source, int depth)
    {
        if (depth > 8)
        {
            yield break;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;
            var key = $"{prefix}__{ToSettingName(name)}";
            var required = parentRequired && property.IsDefined(typeof(RequiredAttribute), inherit: true);
            var secret = property.IsDefined(typeof(SecretAttribute), inherit: true);
            if (required || secret)
            {
                yield return new SettingRequirement(key, required, secret, $"{source}.{property.Name}");
            }

            if (IsNestedOptions(property.PropertyType))
            {
                foreach (var nested in Settings(property.PropertyType, key, required, $"{source}.{property.Name}", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    private static bool IsNestedOptions(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(type)
        && type.Namespace?.StartsWith("Bourse", StringComparison.Ordinal) == true;

    /// <summary>Configuration path → app setting name: <c>Solana:RpcUrls</c> → <c>Solana__RpcUrls</c>.</summary>
    public static string ToSettingName(string configurationPath) => configurationPath.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>
    /// Every binding attribute on the functions of an assembly (parameters, return values, methods,
    /// and properties of output types): the <c>%Setting%</c> names it uses and its storage binding.
    /// </summary>
    public static (IReadOnlyList<SettingRequirement> Settings, IReadOnlyList<StorageBinding> Storage) Bindings(Assembly assembly) =>
        Bindings(TypesOf(assembly));

    public static (IReadOnlyList<SettingRequirement> Settings, IReadOnlyList<StorageBinding> Storage) Bindings(IEnumerable<Type> types)
    {
        var settings = new List<SettingRequirement>();
        var storage = new List<StorageBinding>();
        foreach (var type in types)
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var method in type.GetMethods(all))
            {
                var where = $"{type.FullName}.{method.Name}";
                Inspect(method.GetCustomAttributesData(), where);
                Inspect(method.ReturnParameter.GetCustomAttributesData(), $"{where} (return)");
                foreach (var parameter in method.GetParameters())
                {
                    Inspect(parameter.GetCustomAttributesData(), $"{where}({parameter.Name})");
                }
            }

            foreach (var property in type.GetProperties(all))
            {
                Inspect(property.GetCustomAttributesData(), $"{type.FullName}.{property.Name}");
            }
        }

        return (settings, storage);

        void Inspect(IList<CustomAttributeData> attributes, string where)
        {
            foreach (var attribute in attributes)
            {
                var name = attribute.AttributeType.Name;
                var kind = QueueAttributes.Contains(name) ? StorageKind.Queue
                    : TableAttributes.Contains(name) ? StorageKind.Table
                    : BlobAttributes.Contains(name) ? StorageKind.Blob
                    : (StorageKind?)null;
                if (kind is null && !name.EndsWith("TriggerAttribute", StringComparison.Ordinal)
                    && !name.EndsWith("InputAttribute", StringComparison.Ordinal) && !name.EndsWith("OutputAttribute", StringComparison.Ordinal))
                {
                    continue;
                }

                var strings = attribute.ConstructorArguments.Select(a => a.Value)
                    .Concat(attribute.NamedArguments.Select(a => a.TypedValue.Value))
                    .OfType<string>().ToList();
                foreach (var text in strings)
                {
                    foreach (Match match in SettingReference().Matches(text))
                    {
                        settings.Add(new SettingRequirement(match.Groups["name"].Value, Required: true, Secret: false, $"{where} [{name}]"));
                    }
                }

                if (kind is { } k)
                {
                    var connection = attribute.NamedArguments.FirstOrDefault(a => a.MemberName == "Connection").TypedValue.Value as string;
                    var target = k == StorageKind.Blob ? null : attribute.ConstructorArguments.FirstOrDefault().Value as string;
                    storage.Add(new StorageBinding(k, target, string.IsNullOrEmpty(connection) ? DefaultConnection : connection,
                        name.EndsWith("TriggerAttribute", StringComparison.Ordinal), $"{where} [{name}]"));
                }
            }
        }
    }

    /// <summary>The services named by an <c>[AppScope(...)]</c> attribute (any namespace) on a type, or null.</summary>
    public static string[]? AppScope(Type type) =>
        type.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.Name == "AppScopeAttribute") is { } scope
            ? [.. scope.ConstructorArguments.SelectMany(a => a.Value switch
            {
                string one => [one],
                IEnumerable<CustomAttributeTypedArgument> many => many.Select(m => (string)m.Value!),
                _ => Enumerable.Empty<string>(),
            })]
            : null;

    /// <summary>The <c>public const string</c> fields of <c>Bourse.Storage.{className}</c>, or null when the class does not exist.</summary>
    public static IReadOnlySet<string>? StorageNames(Assembly shared, string className) =>
        shared.GetType($"Bourse.Storage.{className}") is { } type
            ? type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(f => f.IsLiteral && f.FieldType == typeof(string))
                .Select(f => (string)f.GetRawConstantValue()!)
                .ToHashSet(StringComparer.Ordinal)
            : null;

    /// <summary>The setting name in a <c>%Name%</c> binding expression, or null for a literal.</summary>
    public static string? SettingName(string expression) =>
        SettingReference().Match(expression) is { Success: true } m && m.Value == expression ? m.Groups["name"].Value : null;

    [GeneratedRegex("%(?<name>[^%]+)%")]
    private static partial Regex SettingReference();
}
