using SimpleBase;

namespace Bourse.Solana;

/// <summary>
/// A transaction message, legacy or v0. <see cref="AccountKeys"/> are the static keys; a v0 message
/// also loads keys through <see cref="AddressTableLookups"/> (writable ones, then read-only ones,
/// after the static keys).
/// </summary>
public sealed record Message(
    bool IsVersioned,
    MessageHeader Header,
    IReadOnlyList<PublicKey> AccountKeys,
    string RecentBlockhash,
    IReadOnlyList<CompiledInstruction> Instructions,
    IReadOnlyList<MessageAddressTableLookup> AddressTableLookups)
{
    private const byte VersionPrefix = 0x80;

    /// <summary>
    /// Compiles instructions the way web3.js's <c>TransactionMessage</c> does: the fee payer first, then
    /// writable signers, read-only signers, writable non-signers and read-only non-signers, each in the
    /// order first seen (a program id is seen before its instruction's accounts), flags OR-ed for
    /// duplicates. With lookup tables the message is v0 and non-signer, non-program keys found in a
    /// table are loaded from it instead of being listed.
    /// </summary>
    public static Message Compile(
        PublicKey feePayer, string recentBlockhash, IReadOnlyList<TransactionInstruction> instructions, IReadOnlyList<AddressLookupTable>? lookupTables = null)
    {
        var keys = new List<(PublicKey Key, bool Signer, bool Writable, bool Invoked)> { (feePayer, true, true, false) };
        int IndexOf(PublicKey key) => keys.FindIndex(k => k.Key == key);
        void Add(PublicKey key, bool signer, bool writable, bool invoked)
        {
            var i = IndexOf(key);
            if (i < 0)
            {
                keys.Add((key, signer, writable, invoked));
            }
            else
            {
                var k = keys[i];
                keys[i] = (key, k.Signer || signer, k.Writable || writable, k.Invoked || invoked);
            }
        }

        foreach (var instruction in instructions)
        {
            Add(instruction.ProgramId, signer: false, writable: false, invoked: true);
            foreach (var account in instruction.Accounts)
            {
                Add(account.Key, account.IsSigner, account.IsWritable, invoked: false);
            }
        }

        var lookups = new List<MessageAddressTableLookup>();
        var loadedWritable = new List<PublicKey>();
        var loadedReadOnly = new List<PublicKey>();
        foreach (var table in lookupTables ?? [])
        {
            var writable = Drain(keys, table, wantWritable: true);
            var readOnly = Drain(keys, table, wantWritable: false);
            if (writable.Count + readOnly.Count > 0)
            {
                lookups.Add(new MessageAddressTableLookup(table.Key, [.. writable.Select(w => w.Index)], [.. readOnly.Select(r => r.Index)]));
                loadedWritable.AddRange(writable.Select(w => w.Key));
                loadedReadOnly.AddRange(readOnly.Select(r => r.Key));
            }
        }

        var ordered = keys.Where(k => k.Signer && k.Writable)
            .Concat(keys.Where(k => k.Signer && !k.Writable))
            .Concat(keys.Where(k => !k.Signer && k.Writable))
            .Concat(keys.Where(k => !k.Signer && !k.Writable))
            .ToList();
        var header = new MessageHeader(
            (byte)keys.Count(k => k.Signer),
            (byte)keys.Count(k => k.Signer && !k.Writable),
            (byte)keys.Count(k => !k.Signer && !k.Writable));
        var staticKeys = ordered.Select(k => k.Key).ToList();
        var all = staticKeys.Concat(loadedWritable).Concat(loadedReadOnly).ToList();
        byte Index(PublicKey key)
        {
            var i = all.IndexOf(key);
            return i is >= 0 and < 256 ? (byte)i : throw new InvalidOperationException($"Account {key} cannot be indexed.");
        }

        var compiled = instructions
            .Select(ix => new CompiledInstruction(Index(ix.ProgramId), [.. ix.Accounts.Select(a => Index(a.Key))], ix.Data))
            .ToList();
        return new Message(lookupTables is not null, header, staticKeys, recentBlockhash, compiled, lookups);
    }

    public byte[] Serialize()
    {
        using var stream = new MemoryStream();
        if (IsVersioned)
        {
            stream.WriteByte(VersionPrefix);
        }

        stream.WriteByte(Header.RequiredSignatures);
        stream.WriteByte(Header.ReadOnlySigned);
        stream.WriteByte(Header.ReadOnlyUnsigned);
        ShortVec.Write(stream, AccountKeys.Count);
        foreach (var key in AccountKeys)
        {
            stream.Write(key.Bytes);
        }

        stream.Write(Base58.Bitcoin.Decode(RecentBlockhash));
        ShortVec.Write(stream, Instructions.Count);
        foreach (var instruction in Instructions)
        {
            stream.WriteByte(instruction.ProgramIdIndex);
            WriteBytes(stream, instruction.AccountIndexes);
            WriteBytes(stream, instruction.Data);
        }

        if (IsVersioned)
        {
            ShortVec.Write(stream, AddressTableLookups.Count);
            foreach (var lookup in AddressTableLookups)
            {
                stream.Write(lookup.TableKey.Bytes);
                WriteBytes(stream, lookup.WritableIndexes);
                WriteBytes(stream, lookup.ReadOnlyIndexes);
            }
        }

        return stream.ToArray();
    }

    public static Message Deserialize(ReadOnlySpan<byte> data) => Deserialize(data, out _);

    /// <summary>Reads a message from the front of <paramref name="data"/>; <paramref name="consumed"/> is its length.</summary>
    public static Message Deserialize(ReadOnlySpan<byte> data, out int consumed)
    {
        var reader = new SpanReader(data);
        var versioned = (reader.Peek() & VersionPrefix) != 0;
        if (versioned && reader.Byte() != VersionPrefix)
        {
            throw new FormatException("Only legacy and v0 messages are supported.");
        }

        var header = new MessageHeader(reader.Byte(), reader.Byte(), reader.Byte());
        var keys = new PublicKey[reader.ShortVec()];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new PublicKey(reader.Bytes(32));
        }

        var blockhash = Base58.Bitcoin.Encode(reader.Bytes(32));
        var instructions = new CompiledInstruction[reader.ShortVec()];
        for (var i = 0; i < instructions.Length; i++)
        {
            instructions[i] = new CompiledInstruction(reader.Byte(), reader.Bytes(reader.ShortVec()).ToArray(), reader.Bytes(reader.ShortVec()).ToArray());
        }

        var lookups = new List<MessageAddressTableLookup>();
        if (versioned)
        {
            var count = reader.ShortVec();
            for (var i = 0; i < count; i++)
            {
                lookups.Add(new MessageAddressTableLookup(new PublicKey(reader.Bytes(32)), reader.Bytes(reader.ShortVec()).ToArray(), reader.Bytes(reader.ShortVec()).ToArray()));
            }
        }

        consumed = reader.Position;
        return new Message(versioned, header, keys, blockhash, instructions, lookups);
    }

    private static void WriteBytes(Stream stream, byte[] bytes)
    {
        ShortVec.Write(stream, bytes.Length);
        stream.Write(bytes);
    }

    private static List<(PublicKey Key, byte Index)> Drain(
        List<(PublicKey Key, bool Signer, bool Writable, bool Invoked)> keys, AddressLookupTable table, bool wantWritable)
    {
        var drained = new List<(PublicKey, byte)>();
        for (var i = 0; i < keys.Count; i++)
        {
            var k = keys[i];
            if (k.Signer || k.Invoked || k.Writable != wantWritable)
            {
                continue;
            }

            var index = table.Addresses.ToList().IndexOf(k.Key);
            if (index is >= 0 and < 256)
            {
                drained.Add((k.Key, (byte)index));
                keys.RemoveAt(i--);
            }
        }

        return drained;
    }
}
