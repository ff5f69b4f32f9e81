using System.Text.Json.Nodes;

namespace Bourse.Solana.Rpc.Models;

/// <summary>A <c>getProgramAccounts</c> filter: an exact data size, or bytes at an offset.</summary>
public abstract record ProgramAccountFilter
{
    public static ProgramAccountFilter DataSize(ulong size) => new DataSizeFilter(size);

    public static ProgramAccountFilter Memcmp(int offset, ReadOnlySpan<byte> bytes) => new MemcmpFilter(offset, Convert.ToBase64String(bytes));

    internal abstract JsonObject ToJson();

    private sealed record DataSizeFilter(ulong Size) : ProgramAccountFilter
    {
        internal override JsonObject ToJson() => new() { ["dataSize"] = Size };
    }

    private sealed record MemcmpFilter(int Offset, string Base64) : ProgramAccountFilter
    {
        internal override JsonObject ToJson() => new() { ["memcmp"] = new JsonObject { ["offset"] = Offset, ["bytes"] = Base64, ["encoding"] = "base64" } };
    }
}
