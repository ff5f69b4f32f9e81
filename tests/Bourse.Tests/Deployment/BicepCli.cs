using System.Diagnostics;

namespace Bourse.Tests.Deployment;

/// <summary>Result of one Bicep CLI run: exit code, diagnostics (stderr) and wall time.</summary>
internal sealed record BicepRun(int ExitCode, string Output, string Diagnostics, TimeSpan Elapsed);

/// <summary>
/// The Bicep CLI from NuGet (<c>tools/bicep</c>, package <c>Azure.Bicep.CommandLine.linux-x64</c>).
/// Restores it when absent, then builds and lints <c>infra/main.bicep</c> once per test run.
/// </summary>
internal static class BicepCli
{
    public const string Version = "0.49.2";

    private static readonly Lazy<string> Executable = new(Locate);
    private static readonly Lazy<(BicepRun Run, string? Json)> Built = new(BuildMain);
    private static readonly Lazy<BicepRun> Linted = new(() => Run("lint", Repository.Path("infra", "main.bicep")));

    /// <summary><c>bicep build infra/main.bicep</c> into a temp directory; the ARM JSON or null on failure.</summary>
    public static (BicepRun Run, string? Json) Build => Built.Value;

    public static BicepRun Lint => Linted.Value;

    private static (BicepRun, string?) BuildMain()
    {
        var dir = Directory.CreateTempSubdirectory("bourse-bicep-");
        try
        {
            var outFile = System.IO.Path.Combine(dir.FullName, "main.json");
            var run = Run("build", Repository.Path("infra", "main.bicep"), "--outfile", outFile);
            return (run, File.Exists(outFile) ? File.ReadAllText(outFile) : null);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Locate()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var path = System.IO.Path.Combine(packages, "azure.bicep.commandline.linux-x64", Version, "tools", "bicep");
        if (!File.Exists(path))
        {
            var restore = Exec("dotnet", ["restore", Repository.Path("tools", "bicep")]);
            if (restore.ExitCode != 0 || !File.Exists(path))
            {
                throw new InvalidOperationException($"Bicep CLI not found at {path} after `dotnet restore tools/bicep`:\n{restore.Output}\n{restore.Diagnostics}");
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static BicepRun Run(params string[] args) => Exec(Executable.Value, args);

    private static BicepRun Exec(string fileName, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in 3 minutes.");
        }

        process.WaitForExit();
        return new BicepRun(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult().Trim(), stopwatch.Elapsed);
    }
}

/// <summary>Finds the repository root (the directory holding <c>Bourse.sln</c>) from the test output.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootDirectory = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Bourse.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Bourse.sln above {AppContext.BaseDirectory}.");
    });

    public static string Root => RootDirectory.Value;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
