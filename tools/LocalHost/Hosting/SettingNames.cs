using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Bourse.LocalHost.Hosting;

/// <summary>Resolves <c>%Setting%</c> names in trigger attributes from configuration, as the Functions host does.</summary>
public static partial class SettingNames
{
    public static string Resolve(string value, IConfiguration configuration) =>
        Pattern().Replace(value, match =>
        {
            var key = match.Groups[1].Value;
            return configuration[key] ?? configuration[key.Replace("__", ":", StringComparison.Ordinal)]
                ?? throw new InvalidOperationException($"App setting '{key}' (used as %{key}%) is not set.");
        });

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Pattern();
}
