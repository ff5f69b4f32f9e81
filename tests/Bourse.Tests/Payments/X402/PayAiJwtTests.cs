using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Bourse.Payments.X402;
using NSec.Cryptography;

namespace Bourse.Tests.Payments.X402;

public sealed class PayAiJwtTests
{
    [Fact]
    public void Create_ConfiguredKey_HasPayAiShapeAndVerifiableEd25519Signature()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var secret = "payai_sk_" + Convert.ToBase64String(key.Export(KeyBlobFormat.PkixPrivateKey));
        using var jwt = new PayAiJwt("key-123", secret);
        var now = DateTimeOffset.FromUnixTimeSeconds(1_770_000_000);
        var jti = Guid.Parse("6f1c1b8e-63c4-4a43-9a0b-7f8f5d7f3c21");

        var token = jwt.Create(now, jti);
        var parts = token.Split('.');

        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.Matches("^[A-Za-z0-9_-]+$", p));
        Assert.Equal("{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":\"key-123\"}", Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0])));
        using var payload = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        var p = payload.RootElement;
        Assert.Equal("key-123", p.GetProperty("sub").GetString());
        Assert.Equal("payai-merchant", p.GetProperty("iss").GetString());
        Assert.Equal(1_770_000_000, p.GetProperty("iat").GetInt64());
        Assert.Equal(1_770_000_120, p.GetProperty("exp").GetInt64());
        Assert.Equal(jti.ToString(), p.GetProperty("jti").GetString());
        Assert.True(SignatureAlgorithm.Ed25519.Verify(key.PublicKey, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Base64Url.DecodeFromChars(parts[2])));
        Assert.False(SignatureAlgorithm.Ed25519.Verify(key.PublicKey, Encoding.ASCII.GetBytes($"{parts[0]}.{parts[0]}"), Base64Url.DecodeFromChars(parts[2])));
    }

    [Fact]
    public void Create_SameSecondDifferentJti_DifferentTokens()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        using var jwt = new PayAiJwt("k", Convert.ToBase64String(key.Export(KeyBlobFormat.PkixPrivateKey)));
        var now = DateTimeOffset.FromUnixTimeSeconds(1_770_000_000);

        Assert.NotEqual(jwt.Create(now, Guid.NewGuid()), jwt.Create(now, Guid.NewGuid()));
    }

    [Theory]
    [InlineData("payai_sk_bm90IGEga2V5")]
    [InlineData("%%%")]
    [InlineData("payai_sk_")]
    public void IsValidSecret_NotAPkcs8Ed25519Key_False(string secret) => Assert.False(PayAiJwt.IsValidSecret(secret));

    [Fact]
    public void IsValidSecret_Pkcs8Ed25519Key_True()
    {
        using var key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });

        Assert.True(PayAiJwt.IsValidSecret("payai_sk_" + Convert.ToBase64String(key.Export(KeyBlobFormat.PkixPrivateKey))));
    }
}
