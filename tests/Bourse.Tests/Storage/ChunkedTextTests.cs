using Azure.Data.Tables;
using Bourse.Storage;

namespace Bourse.Tests.Storage;

public sealed class ChunkedTextTests
{
    [Fact]
    public void WriteThenRead_LongTextWithASurrogatePairOnTheBoundary_RoundTripsAndNoChunkSplitsThePair()
    {
        var text = new string('a', ChunkedText.MaxChars - 1) + "😀" + new string('b', ChunkedText.MaxChars + 5);
        var entity = new TableEntity("p", "r");

        ChunkedText.Write(entity, "T", text);

        Assert.Equal(text, ChunkedText.Read(entity, "T"));
        Assert.Equal(3, entity.Keys.Count(k => k.StartsWith('T')));
        Assert.All(entity.Keys.Where(k => k.StartsWith('T')).Select(k => (string)entity[k]), chunk =>
        {
            Assert.InRange(chunk.Length, 1, ChunkedText.MaxChars);
            Assert.False(char.IsHighSurrogate(chunk[^1]), "a chunk ends inside a surrogate pair");
        });
        Assert.Equal(string.Empty, ChunkedText.Read(entity, "None"));
    }
}
