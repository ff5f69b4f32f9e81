namespace Bourse.Solana;

/// <summary>Reads wire data front to back, failing with a <see cref="FormatException"/> past the end.</summary>
internal ref struct SpanReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly byte Peek() => Position < _data.Length ? _data[Position] : throw new FormatException("Unexpected end of data.");

    public byte Byte() => Bytes(1)[0];

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (Position + count > _data.Length)
        {
            throw new FormatException("Unexpected end of data.");
        }

        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    public int ShortVec()
    {
        var value = Solana.ShortVec.Read(_data[Position..], out var consumed);
        Position += consumed;
        return value;
    }
}
