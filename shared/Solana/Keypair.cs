using System.Text.Json;
using NSec.Cryptography;

namespace Bourse.Solana;

/// <summary>An ed25519 signing key. Its file form is Solana's: 64 bytes, the 32-byte seed then the public key.</summary>
public sealed class Keypair : IDisposable
{
    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;

    private readonly Key _key;

    private Keypair(Key key)
    {
        _key = key;
        PublicKey = new PublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public PublicKey PublicKey { get; }

    public static Keypair Generate() =>
        new(Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }));

    public static Keypair FromSeed(ReadOnlySpan<byte> seed) => seed.Length == 32
        ? new Keypair(Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport }))
        : throw new ArgumentException("An ed25519 seed is 32 bytes.", nameof(seed));

    /// <summary>From the 64-byte form; the public half must match the seed.</summary>
    public static Keypair FromSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != 64)
        {
            throw new ArgumentException("A Solana secret key is 64 bytes (seed, then public key).", nameof(secretKey));
        }

        var keypair = FromSeed(secretKey[..32]);
        if (!keypair.PublicKey.Bytes.SequenceEqual(secretKey[32..]))
        {
            keypair.Dispose();
            throw new ArgumentException("The public half of the secret key does not match its seed.", nameof(secretKey));
        }

        return keypair;
    }

    /// <summary>From a Solana keypair file's content: a JSON array of 64 numbers.</summary>
    public static Keypair FromJson(string json) => FromSecretKey(JsonSerializer.Deserialize(json, SolanaJsonContext.Default.ByteArrayAsNumbers)!.Select(b => (byte)b).ToArray());

    /// <summary>The 64-byte secret key (seed ‖ public key). Handle as a secret.</summary>
    public byte[] ExportSecretKey() => [.. _key.Export(KeyBlobFormat.RawPrivateKey), .. PublicKey.Bytes];

    public byte[] Sign(ReadOnlySpan<byte> message) => Ed25519.Sign(_key, message);

    public static bool Verify(PublicKey signer, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == 64
        && NSec.Cryptography.PublicKey.TryImport(Ed25519, signer.Bytes, KeyBlobFormat.RawPublicKey, out var key)
        && Ed25519.Verify(key!, message, signature);

    public void Dispose() => _key.Dispose();

    public override string ToString() => PublicKey.ToString();
}
