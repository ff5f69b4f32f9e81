using System.Buffers.Binary;

namespace Bourse.Quasar;

/// <summary>Reads packed little-endian data front to back; running past the end is a <see cref="FormatException"/>.</summary>
internal ref struct QuasarReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public ReadOnlySpan<byte> Bytes(int count)
    {
        if (count < 0 || Position + count > _data.Length)
        {
            throw new FormatException($"The data ends at byte {_data.Length}, before the {count} byte(s) expected at {Position}.");
        }

        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    /// <summary>A length prefix of 1, 2 or 4 bytes.</summary>
    public int Length(int prefixSize) => prefixSize switch
    {
        1 => Bytes(1)[0],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(Bytes(2)),
        4 => checked((int)BinaryPrimitives.ReadUInt32LittleEndian(Bytes(4))),
        _ => throw new InvalidOperationException($"A length prefix of {prefixSize} bytes is not supported."),
    };
}
