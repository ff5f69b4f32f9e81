namespace Bourse.Tests.Infrastructure;

/// <summary>The local chain's description (addresses, keypairs) in a temporary file, for a Node script to read; deleted when disposed.</summary>
internal sealed class ChainFile : IDisposable
{
    private ChainFile(string path) => Path = path;

    public string Path { get; }

    public static async Task<ChainFile> WriteAsync()
    {
        var file = new ChainFile(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"chain-{Guid.NewGuid():N}.json"));
        await File.WriteAllTextAsync(file.Path, LocalStack.Instance.Chain.GetRawText());
        return file;
    }

    public void Dispose() => File.Delete(Path);
}
