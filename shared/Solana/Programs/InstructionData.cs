using System.Buffers.Binary;

namespace Bourse.Solana.Programs;

/// <summary>Little-endian instruction data, written front to back.</summary>
internal sealed class InstructionData
{
    private readonly List<byte> _bytes = [];

    public InstructionData U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public InstructionData U16(ushort value) => Put(stackalloc byte[2], s => BinaryPrimitives.WriteUInt16LittleEndian(s, value));

    public InstructionData U32(uint value) => Put(stackalloc byte[4], s => BinaryPrimitives.WriteUInt32LittleEndian(s, value));

    public InstructionData U64(ulong value) => Put(stackalloc byte[8], s => BinaryPrimitives.WriteUInt64LittleEndian(s, value));

    public InstructionData Key(PublicKey key)
    {
        _bytes.AddRange(key.Bytes);
        return this;
    }

    /// <summary>An optional key as instruction data encodes it: a 1-byte tag, then the key when present.</summary>
    public InstructionData OptionalKey(PublicKey? key) => key is { } k ? U8(1).Key(k) : U8(0);

    public byte[] ToArray() => [.. _bytes];

    private delegate void SpanWriter(Span<byte> span);

    private InstructionData Put(Span<byte> buffer, SpanWriter write)
    {
        write(buffer);
        _bytes.AddRange(buffer);
        return this;
    }
}
