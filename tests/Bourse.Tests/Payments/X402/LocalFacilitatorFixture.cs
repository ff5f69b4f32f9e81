using System.Diagnostics;
using System.Text.Json;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

/// <summary>
/// A private local chain (tools/chain, seeded) and the reference facilitator (tools/facilitator) on free
/// loopback ports, for tests that settle for real. <see cref="PayAsync"/> makes the header a real x402
/// client would send (tools/facilitator/pay.mjs).
/// </summary>
public sealed class LocalFacilitatorFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bourse-x402-").FullName;
    private Process? _chain;
    private Process? _facilitator;

    public string Rpc { get; private set; } = "";
    public string FacilitatorUrl { get; private set; } = "";
    public string FeePayer { get; private set; } = "";
    public string Payer { get; private set; } = "";
    public string Treasury { get; private set; } = "";
    public string UsdcMint { get; private set; } = "";
    public string GemmaPayTo { get; private set; } = "";
    public string GemmaVaultUsdc { get; private set; } = "";
    private string PayerKeypair { get; set; } = "";

    public async Task InitializeAsync()
    {
        var root = LocalStack.RepositoryRoot;
        var chainReady = Path.Combine(_dir, "chain.json");
        _chain = Start(Path.Combine(root, "tools", "chain", "server.mjs"),
            "--port", "0", "--seed", Path.Combine(root, "tools", "chain", "seed.json"), "--ready-file", chainReady, "--quiet", "--slot-ms", "200");
        using var chain = JsonDocument.Parse(await WaitForFileAsync(chainReady, _chain));
        var c = chain.RootElement;
        Rpc = c.GetProperty("rpc").GetString()!;
        Payer = c.GetProperty("payer").GetString()!;
        Treasury = c.GetProperty("treasury").GetString()!;
        UsdcMint = c.GetProperty("usdcMint").GetString()!;
        PayerKeypair = c.GetProperty("payerKeypair").GetRawText();
        var gemma = c.GetProperty("models").EnumerateArray().First(m => m.GetProperty("id").GetString() == X402TestData.Gemma);
        GemmaPayTo = gemma.GetProperty("payTo").GetString()!;
        GemmaVaultUsdc = gemma.GetProperty("vaultUsdcAccount").GetString()!;

        var facilitatorReady = Path.Combine(_dir, "facilitator.json");
        _facilitator = Start(Path.Combine(root, "tools", "facilitator", "server.mjs"),
            "--port", "0", "--rpc", Rpc, "--fee-payer-keypair", c.GetProperty("facilitatorKeypair").GetRawText(), "--ready-file", facilitatorReady, "--quiet");
        using var facilitator = JsonDocument.Parse(await WaitForFileAsync(facilitatorReady, _facilitator));
        FacilitatorUrl = facilitator.RootElement.GetProperty("url").GetString()!;
        FeePayer = facilitator.RootElement.GetProperty("feePayer").GetString()!;
    }

    /// <summary>The payment header a real client makes: v2 from the PAYMENT-REQUIRED header, v1 from the 402 body.</summary>
    public async Task<string> PayAsync(string? paymentRequiredHeader = null, string? v1Body = null)
    {
        var args = new List<string> { Path.Combine(LocalStack.RepositoryRoot, "tools", "facilitator", "pay.mjs"), "--rpc", Rpc, "--keypair", PayerKeypair };
        args.AddRange(paymentRequiredHeader is not null ? ["--payment-required", paymentRequiredHeader] : ["--body", v1Body!]);
        var (code, stdout, stderr) = await RunNodeAsync(args, TimeSpan.FromSeconds(60));
        return code == 0 ? stdout.Trim() : throw new InvalidOperationException($"pay.mjs failed ({code}): {stderr}");
    }

    public static async Task<(int Code, string Stdout, string Stderr)> RunNodeAsync(IEnumerable<string> args, TimeSpan timeout)
    {
        using var process = Start(args);
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"node {string.Join(' ', args)} did not finish in {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    public Task DisposeAsync()
    {
        foreach (var process in new[] { _facilitator, _chain })
        {
            if (process is { HasExited: false })
            {
                process.Kill();
                process.WaitForExit(5000);
            }

            process?.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static Process Start(string script, params string[] args) => Start([script, .. args]);

    private static Process Start(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = LocalStack.RepositoryRoot,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("node did not start");
    }

    private static async Task<string> WaitForFileAsync(string path, Process process)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(path))
            {
                return await File.ReadAllTextAsync(path);
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.StartInfo.ArgumentList[0]} exited ({process.ExitCode}): {await process.StandardError.ReadToEndAsync()}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{path} was not written within 60 s");
    }
}
