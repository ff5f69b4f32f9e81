using System.Diagnostics;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Solana;

/// <summary>Vectors from @solana/web3.js and @solana/spl-token (vectors.mjs), generated once per test run.</summary>
public sealed class GoldenVectors : IDisposable
{
    public GoldenVectors()
    {
        var script = Path.Combine(LocalStack.RepositoryRoot, "tests", "Bourse.Tests", "Solana", "vectors.mjs");
        using var node = Process.Start(new ProcessStartInfo("node", [script, "20261125"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        node.WaitForExit();
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"vectors.mjs failed: {errors.Result}");
        }

        Document = JsonDocument.Parse(output.Result);
    }

    public JsonDocument Document { get; }

    public JsonElement this[string name] => Document.RootElement.GetProperty(name);

    public void Dispose() => Document.Dispose();
}
