using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Bourse.Payments.X402;
using Microsoft.Extensions.Options;

namespace Bourse.Functions.Pages;

/// <summary>
/// The site's pages and assets, read once from the functions assembly (embedded at build time, so what
/// deploys is what was tested and nothing comes from a CDN). A page is the layout around its body, with
/// the page's configuration as JSON and asset URLs versioned by content hash.
/// </summary>
public sealed class SitePages
{
    private const string Market = "market";
    private readonly Dictionary<string, PageAsset> _assets;
    private readonly Dictionary<string, string> _html;
    private readonly JsonObject _config;

    public SitePages(IOptions<X402Options> x402)
    {
        var assembly = typeof(SitePages).Assembly;
        _html = Read(assembly, "pages/").ToDictionary(r => r.Name, r => Encoding.UTF8.GetString(r.Content), StringComparer.Ordinal);
        _assets = Read(assembly, "assets/").ToDictionary(
            r => r.Name,
            r => new PageAsset(r.Name, r.Content, ContentType(r.Name), Convert.ToHexStringLower(SHA256.HashData(r.Content))[..12]),
            StringComparer.Ordinal);
        var network = x402.Value.Network;
        _config = new JsonObject
        {
            ["network"] = network,
            ["explorerCluster"] = network switch
            {
                X402Networks.SolanaDevnet => "?cluster=devnet",
                X402Networks.SolanaTestnet => "?cluster=testnet",
                _ => "",
            },
            ["refreshSeconds"] = 15,
        };
    }

    public PageAsset? Asset(string name) => _assets.GetValueOrDefault(name);

    public string Render(SitePage page, string? modelId = null)
    {
        var (file, title, nav) = page switch
        {
            SitePage.Market => ("market", "Market · Bourse", Market),
            SitePage.Model => ("model", $"{modelId} · Bourse market", Market),
            SitePage.Apply => ("apply", "List a model · Bourse", "apply"),
            _ => ("x402", "Pay per call with x402 · Bourse", "x402"),
        };
        var config = _config.DeepClone().AsObject();
        if (modelId is not null)
        {
            config["modelId"] = modelId;
        }

        var script = file + ".js";
        var html = new StringBuilder(_html["layout.html"])
            .Replace("{{body}}", _html[file + ".html"])
            .Replace("{{title}}", WebUtility.HtmlEncode(title))
            .Replace("{{modelId}}", WebUtility.HtmlEncode(modelId ?? ""))
            .Replace("{{page}}", file)
            .Replace("{{config}}", config.ToJsonString().Replace("<", "\\u003c", StringComparison.Ordinal))
            .Replace("{{script}}", script)
            .Replace("{{v:script}}", _assets[script].Hash);
        foreach (var asset in _assets.Values)
        {
            html.Replace($"{{{{v:{asset.Name}}}}}", asset.Hash);
        }

        foreach (var item in new[] { Market, "apply", "x402" })
        {
            html.Replace($"{{{{current:{item}}}}}", item == nav ? " aria-current=\"page\"" : "");
        }

        return html.ToString();
    }

    private static IEnumerable<(string Name, byte[] Content)> Read(Assembly assembly, string prefix)
    {
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            yield return (resource[prefix.Length..], buffer.ToArray());
        }
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
