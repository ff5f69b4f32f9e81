using System.Buffers.Binary;

namespace Bourse.Quasar;

/// <summary>Appends packed little-endian data.</summary>
internal sealed class QuasarWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public void Bytes(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + bytes.Length));
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void Length(int length, int prefixSize)
    {
        Span<byte> prefix = stackalloc byte[4];
        switch (prefixSize)
        {
            case 1 when length <= byte.MaxValue:
                prefix[0] = (byte)length;
                break;
            case 2 when length <= ushort.MaxValue:
                BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)length);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(prefix, (uint)length);
                break;
            default:
                throw new ArgumentException($"A length of {length} does not fit a {prefixSize}-byte prefix.");
        }

        Bytes(prefix[..prefixSize]);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}
