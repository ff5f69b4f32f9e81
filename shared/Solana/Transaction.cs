namespace Bourse.Solana;

/// <summary>
/// A message and one 64-byte signature slot per required signer (zero bytes until signed), in
/// Solana's wire form: compact-u16 count ‖ signatures ‖ message.
/// </summary>
public sealed class Transaction
{
    /// <summary>The largest transaction a node accepts (the IPv6 MTU less headers).</summary>
    public const int MaxSize = 1232;

    public const int SignatureLength = 64;

    private readonly byte[][] _signatures;
    private readonly byte[] _messageBytes;

    public Transaction(Message message)
        : this(message, message.Serialize(), Enumerable.Range(0, message.Header.RequiredSignatures).Select(_ => new byte[SignatureLength]).ToArray())
    {
    }

    private Transaction(Message message, byte[] messageBytes, byte[][] signatures)
    {
        Message = message;
        _messageBytes = messageBytes;
        _signatures = signatures;
    }

    public Message Message { get; }

    public ReadOnlySpan<byte> MessageBytes => _messageBytes;

    public IReadOnlyList<byte[]> Signatures => _signatures;

    /// <summary>The transaction id: the fee payer's signature in base58.</summary>
    public string Id => SimpleBase.Base58.Bitcoin.Encode(_signatures[0]);

    public bool IsFullySigned => _signatures.All(s => s.Any(b => b != 0));

    public int Size => Serialize(checkSize: false).Length;

    /// <summary>Signs with each keypair at its signer slot; slots of other signers are left as they are (partial signing).</summary>
    public Transaction Sign(params Keypair[] signers)
    {
        foreach (var signer in signers)
        {
            var index = SignerIndex(signer.PublicKey);
            _signatures[index] = signer.Sign(_messageBytes);
        }

        return this;
    }

    /// <summary>Puts a signature made elsewhere (e.g. by a facilitator or wallet) into its signer's slot.</summary>
    public Transaction AddSignature(PublicKey signer, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength)
        {
            throw new ArgumentException("A signature is 64 bytes.", nameof(signature));
        }

        _signatures[SignerIndex(signer)] = signature.ToArray();
        return this;
    }

    /// <summary>Every present signature verifies against its signer; with <paramref name="requireAll"/>, none may be missing.</summary>
    public bool VerifySignatures(bool requireAll = true)
    {
        for (var i = 0; i < _signatures.Length; i++)
        {
            var present = _signatures[i].Any(b => b != 0);
            if (!present && requireAll)
            {
                return false;
            }

            if (present && !Keypair.Verify(Message.AccountKeys[i], _messageBytes, _signatures[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The wire bytes. Throws when over <see cref="MaxSize"/>, before anything is sent.</summary>
    public byte[] Serialize() => Serialize(checkSize: true);

    public static Transaction Deserialize(ReadOnlySpan<byte> data)
    {
        var count = ShortVec.Read(data, out var offset);
        var signatures = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            if (offset + SignatureLength > data.Length)
            {
                throw new FormatException("Transaction is shorter than its signatures.");
            }

            signatures[i] = data.Slice(offset, SignatureLength).ToArray();
            offset += SignatureLength;
        }

        var message = Message.Deserialize(data[offset..], out var consumed);
        if (offset + consumed != data.Length)
        {
            throw new FormatException("Trailing bytes after the message.");
        }

        if (message.Header.RequiredSignatures != count)
        {
            throw new FormatException($"The message needs {message.Header.RequiredSignatures} signatures; the transaction has {count}.");
        }

        return new Transaction(message, data.Slice(offset, consumed).ToArray(), signatures);
    }

    private int SignerIndex(PublicKey signer)
    {
        for (var i = 0; i < _signatures.Length; i++)
        {
            if (Message.AccountKeys[i] == signer)
            {
                return i;
            }
        }

        throw new ArgumentException($"{signer} is not a signer of this transaction.", nameof(signer));
    }

    private byte[] Serialize(bool checkSize)
    {
        Span<byte> count = stackalloc byte[ShortVec.MaxLength];
        var countLength = ShortVec.Write(count, _signatures.Length);
        var bytes = new byte[countLength + (_signatures.Length * SignatureLength) + _messageBytes.Length];
        count[..countLength].CopyTo(bytes);
        for (var i = 0; i < _signatures.Length; i++)
        {
            _signatures[i].CopyTo(bytes, countLength + (i * SignatureLength));
        }

        _messageBytes.CopyTo(bytes, countLength + (_signatures.Length * SignatureLength));
        return checkSize && bytes.Length > MaxSize
            ? throw new InvalidOperationException($"The transaction is {bytes.Length} bytes; a node accepts at most {MaxSize}.")
            : bytes;
    }
}
