using System.Diagnostics;
using System.Net.Sockets;

namespace Bourse.Tests.Infrastructure;

/// <summary>
/// Another instance of the local Functions host, in its own process, started with the stack host's own
/// settings (<c>localhost.env</c> in the stack's run folder) on a free port: two router instances sharing
/// one Azurite, as two workers of the app share one storage account in Azure. It can be stopped
/// gracefully (SIGTERM) or killed outright.
/// </summary>
internal sealed class HostInstance : IAsyncDisposable
{
    private readonly Process _process;

    private HostInstance(Process process, int port)
    {
        _process = process;
        Api = $"http://127.0.0.1:{port}/api";
        Admin = $"http://127.0.0.1:{port}/admin";
    }

    public string Api { get; }

    public string Admin { get; }

    public static async Task<HostInstance> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var run = LocalStack.Instance.Logs;
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = Path.Combine(LocalStack.RepositoryRoot, "tools", "LocalHost", "bin", configuration, "net10.0", "Bourse.LocalHost.dll");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = LocalStack.RepositoryRoot,
        };
        foreach (var line in (await File.ReadAllTextAsync(Path.Combine(run, "localhost.env"))).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            start.Environment[line[..eq]] = line[(eq + 1)..];
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(start)!;
        var log = Path.Combine(run, $"localhost-{port}.log");
        _ = Drain(process.StandardOutput, log);
        _ = Drain(process.StandardError, log + ".err");
        var instance = new HostInstance(process, port);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(90);
        while (TimeProvider.System.GetUtcNow() < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The second host exited at start-up (log: {log}).");
            }

            try
            {
                if ((await http.GetAsync($"{instance.Api}/health")).IsSuccessStatusCode)
                {
                    return instance;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"The second host did not become healthy (log: {log}).");
    }

    /// <summary>A crash: no flush, no lease released.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>A graceful stop (SIGTERM): buffered charges committed, leases released.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                Kill();
            }
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Drain(StreamReader reader, string path)
    {
        await using var file = new StreamWriter(path, append: true);
        while (await reader.ReadLineAsync() is { } line)
        {
            await file.WriteLineAsync(line);
        }
    }
}
