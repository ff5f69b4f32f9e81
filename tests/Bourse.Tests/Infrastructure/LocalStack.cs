using System.Text.Json;

namespace Bourse.Tests.Infrastructure;

/// <summary>
/// The running local stack (<c>./bourse test</c> starts a private one and points
/// <c>BOURSE_LOCAL_JSON</c> at its settings; otherwise a stack from <c>./bourse up</c> is used).
/// </summary>
public sealed record LocalStack(string Api, string Admin, string Storage, string Rpc, JsonElement Chain, string Upstream, string AdminToken, string Logs)
{
    private static readonly Lazy<LocalStack> Current = new(Load);

    public static LocalStack Instance => Current.Value;

    public static string RepositoryRoot { get; } = FindRoot();

    private static LocalStack Load()
    {
        var path = Environment.GetEnvironmentVariable("BOURSE_LOCAL_JSON") is { Length: > 0 } p
            ? p
            : Path.Combine(RepositoryRoot, ".bourse", "local.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"No local stack ({path} not found): run the tests with ./bourse test, or start ./bourse up first.");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        using var chain = JsonDocument.Parse(File.ReadAllText(root.GetProperty("chain").GetString()!));
        return new LocalStack(
            root.GetProperty("api").GetString()!,
            root.GetProperty("admin").GetString()!,
            root.GetProperty("storage").GetString()!,
            root.GetProperty("rpc").GetString()!,
            chain.RootElement.Clone(),
            root.GetProperty("upstream").GetString()!,
            root.GetProperty("demo").GetProperty("adminToken").GetString()!,
            root.GetProperty("logs").GetString()!);
    }

    /// <summary>An address the local chain seeded (see tools/chain/README.md), e.g. <c>payerUsdcAccount</c>.</summary>
    public string ChainAddress(string name) => Chain.GetProperty(name).GetString()!;

    /// <summary>A seeded keypair in the Solana keypair-file form (64 bytes, seed then public key).</summary>
    public byte[] ChainKeypair(string name) => [.. Chain.GetProperty(name + "Keypair").EnumerateArray().Select(b => b.GetByte())];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Bourse.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Bourse.sln not found above the test assembly.");
    }
}
