namespace Bourse.Tests.Deployment;

/// <summary>
/// Reads the <c>services</c> block of <c>azure.yaml</c> (block mappings of scalars only — what azd's
/// file uses here). No YAML package is referenced for this one lookup.
/// </summary>
internal static class AzureYaml
{
    public static IReadOnlyDictionary<string, Dictionary<string, string>> Services(string yaml)
    {
        var services = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        var inServices = false;
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var content = line.Split('#')[0].TrimEnd();
            if (content.Trim().Length == 0)
            {
                continue;
            }

            var indent = content.Length - content.TrimStart().Length;
            var (key, value) = Split(content.Trim());
            if (indent == 0)
            {
                inServices = key == "services";
                current = null;
            }
            else if (inServices && indent == 2)
            {
                current = services[key] = new Dictionary<string, string>(StringComparer.Ordinal);
            }
            else if (inServices && indent == 4 && current is not null)
            {
                current[key] = value.Trim('"', '\'');
            }
        }

        return services;
    }

    private static (string Key, string Value) Split(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (text, "") : (text[..colon].Trim(), text[(colon + 1)..].Trim());
    }
}
