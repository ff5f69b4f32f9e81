using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using NSec.Cryptography;

namespace Bourse.Payments.X402;

/// <summary>
/// PayAI's merchant JWT: header <c>{"alg":"EdDSA","typ":"JWT","kid":id}</c>, payload
/// <c>{"sub":id,"iss":"payai-merchant","iat","exp":iat+120,"jti":uuid}</c>, Ed25519 over
/// <c>base64url(header).base64url(payload)</c>. The secret is <c>payai_sk_</c> + base64 PKCS#8.
/// </summary>
public sealed class PayAiJwt : IDisposable
{
    public const string Issuer = "payai-merchant";
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(120);

    private readonly string _keyId;
    private readonly Key _key;

    private const string SecretPrefix = "payai_sk_";

    public PayAiJwt(string keyId, string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyId);
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        _keyId = keyId;
        _key = Key.Import(SignatureAlgorithm.Ed25519, Blob(secret), KeyBlobFormat.PkixPrivateKey);
    }

    /// <summary>For start-up validation: whether <paramref name="secret"/> is a base64 PKCS#8 Ed25519 key (with or without the prefix).</summary>
    public static bool IsValidSecret(string secret)
    {
        try
        {
            return Key.TryImport(SignatureAlgorithm.Ed25519, Blob(secret), KeyBlobFormat.PkixPrivateKey, out var key) && Disposed(key);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The raw Ed25519 public key, for checks.</summary>
    public byte[] PublicKey => _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public string Create(DateTimeOffset now, Guid jti)
    {
        var iat = now.ToUnixTimeSeconds();
        var header = Write(w =>
        {
            w.WriteString("alg", "EdDSA");
            w.WriteString("typ", "JWT");
            w.WriteString("kid", _keyId);
        });
        var payload = Write(w =>
        {
            w.WriteString("sub", _keyId);
            w.WriteString("iss", Issuer);
            w.WriteNumber("iat", iat);
            w.WriteNumber("exp", iat + (long)Lifetime.TotalSeconds);
            w.WriteString("jti", jti.ToString("D"));
        });
        var signingInput = $"{Base64Url.EncodeToString(header)}.{Base64Url.EncodeToString(payload)}";
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url.EncodeToString(signature)}";
    }

    public void Dispose() => _key.Dispose();

    private static byte[] Blob(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);

    private static bool Disposed(Key? key)
    {
        key?.Dispose();
        return key is not null;
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }
}
