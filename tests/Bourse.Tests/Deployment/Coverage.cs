namespace Bourse.Tests.Deployment;

/// <summary>Whether a deployed app's settings satisfy what the code needs. Pure functions, so they are tested too.</summary>
internal static class Coverage
{
    /// <summary>A key is set when the exact name is set, or any child of it (collections, nested objects: <c>Key__0</c>).</summary>
    public static bool IsSet(string key, IReadOnlyDictionary<string, string> settings) =>
        settings.ContainsKey(key) || settings.Keys.Any(k => k.StartsWith(key + "__", StringComparison.Ordinal));

    /// <summary>The settings at or under a key.</summary>
    public static IEnumerable<KeyValuePair<string, string>> At(string key, IReadOnlyDictionary<string, string> settings) =>
        settings.Where(s => s.Key == key || s.Key.StartsWith(key + "__", StringComparison.Ordinal));

    /// <summary>Problems with a required setting on an app: missing, or a secret not from Key Vault.</summary>
    public static IEnumerable<string> Problems(SettingRequirement requirement, string service, IReadOnlyDictionary<string, string> settings)
    {
        if (requirement.Required && !IsSet(requirement.Key, settings))
        {
            yield return $"{service}: '{requirement.Key}' is not set (needed by {requirement.Source}).";
        }

        if (requirement.Secret)
        {
            foreach (var (name, value) in At(requirement.Key, settings))
            {
                if (!DeployedInfrastructure.IsKeyVaultReference(value))
                {
                    yield return $"{service}: '{name}' is a secret ({requirement.Source}) but is not a Key Vault reference: {value}";
                }
            }
        }
    }

    /// <summary>
    /// Problems with a storage connection: it must be set as a (Key Vault referenced) connection
    /// string, or identity-based with <c>__credential</c>, <c>__clientId</c> and the service URI.
    /// </summary>
    public static IEnumerable<string> Problems(StorageBinding binding, string service, IReadOnlyDictionary<string, string> settings)
    {
        var c = binding.Connection;
        if (settings.TryGetValue(c, out var connectionString))
        {
            if (!DeployedInfrastructure.IsKeyVaultReference(connectionString)
                && (connectionString.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase)
                    || connectionString.Contains("SharedAccessSignature=", StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{service}: connection '{c}' holds a key in clear ({binding.Source}).";
            }

            yield break;
        }

        var uri = $"{c}__{binding.Kind.ToString().ToLowerInvariant()}ServiceUri";
        if (!settings.ContainsKey(uri) && !(binding.Kind == StorageKind.Blob && settings.ContainsKey($"{c}__serviceUri")))
        {
            yield return $"{service}: connection '{c}' is neither set nor has '{uri}' ({binding.Source}).";
            yield break;
        }

        if (!settings.TryGetValue($"{c}__credential", out var credential) || credential != "managedidentity")
        {
            yield return $"{service}: '{c}__credential' must be 'managedidentity' ({binding.Source}).";
        }

        if (!settings.ContainsKey($"{c}__clientId"))
        {
            yield return $"{service}: '{c}__clientId' is missing; the apps run as a user-assigned identity ({binding.Source}).";
        }
    }

    /// <summary>Names that look like secrets: whatever the options say, these must come from Key Vault.</summary>
    public static bool LooksSecret(string settingName)
    {
        var last = settingName.Split("__").Last();
        string[] markers = ["ApiKey", "Token", "Keypair", "Secret", "Password", "PrivateKey", "ConnectionString"];
        return markers.Any(m => last.EndsWith(m, StringComparison.OrdinalIgnoreCase))
            && !settingName.StartsWith("APPLICATIONINSIGHTS_", StringComparison.Ordinal);
    }
}
