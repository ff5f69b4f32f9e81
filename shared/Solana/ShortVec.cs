namespace Bourse.Solana;

/// <summary>Solana's compact-u16: 7 bits per byte, least significant first, high bit set while more follow.</summary>
public static class ShortVec
{
    public const int MaxLength = 3;

    public static int Write(Span<byte> destination, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, ushort.MaxValue);
        var i = 0;
        var rest = value;
        while (true)
        {
            var b = (byte)(rest & 0x7f);
            rest >>= 7;
            if (rest == 0)
            {
                destination[i++] = b;
                return i;
            }

            destination[i++] = (byte)(b | 0x80);
        }
    }

    public static void Write(Stream destination, int value)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        destination.Write(buffer[..Write(buffer, value)]);
    }

    /// <summary>Reads a value; <paramref name="consumed"/> is how many bytes it took.</summary>
    public static int Read(ReadOnlySpan<byte> source, out int consumed)
    {
        var value = 0;
        for (var i = 0; i < MaxLength; i++)
        {
            if (i >= source.Length)
            {
                throw new FormatException("compact-u16 runs past the end of the data.");
            }

            var b = source[i];
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                consumed = i + 1;
                return value <= ushort.MaxValue ? value : throw new FormatException("compact-u16 is larger than 65535.");
            }
        }

        throw new FormatException("compact-u16 is longer than 3 bytes.");
    }
}
