using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.LocalHost;

/// <summary><c>local.json</c> holds the admin token and the demo payer's keypair: only its owner may read it.</summary>
public sealed class LocalSettingsFileTests
{
    [Fact]
    public void LocalJson_WrittenByTheStack_IsReadableByItsOwnerOnly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // no Unix file modes there
        }

        var path = Environment.GetEnvironmentVariable("BOURSE_LOCAL_JSON") is { Length: > 0 } p ? p : Path.Combine(LocalStack.RepositoryRoot, ".bourse", "local.json");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
