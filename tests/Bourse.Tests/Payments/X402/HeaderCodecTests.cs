using System.Text;
using Bourse.Payments.X402;

namespace Bourse.Tests.Payments.X402;

public sealed class HeaderCodecTests
{
    [Fact]
    public void EncodePaymentRequired_RoundTrips()
    {
        var challenge = X402TestData.Challenge();

        var encoded = HeaderCodec.EncodePaymentRequired(challenge.V2);
        var decoded = HeaderCodec.DecodePaymentRequired(encoded);

        Assert.True(decoded.IsSuccess);
        Assert.Equal(challenge.Requirement, decoded.Value!.Accepts[0] with { Extra = decoded.Value.Accepts[0].Extra! with { Other = null } });
        Assert.Matches("^[A-Za-z0-9+/]*={0,2}$", encoded);
    }

    [Fact]
    public void DecodePayment_V2Header_KeepsRawPayloadAndTransaction()
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction();
        var payload = X402TestData.PayloadV2(challenge, tx);

        var decoded = HeaderCodec.DecodePayment(HeaderCodec.EncodePayment(payload), "ignored when v2 is present");

        Assert.True(decoded.IsSuccess, decoded.Reason);
        Assert.Equal(2, decoded.Value!.Version);
        Assert.Equal(tx, decoded.Value.Transaction);
        Assert.Equal(challenge.Requirement.Amount, decoded.Value.V2!.Accepted.Amount);
        Assert.Equal(tx, decoded.Value.Raw.GetProperty("payload").GetProperty("transaction").GetString());
    }

    [Fact]
    public void DecodePayment_V1Header_ReadsSchemeAndNetwork()
    {
        var (tx, _) = X402TestData.Transaction();

        var decoded = HeaderCodec.DecodePayment(null, HeaderCodec.EncodePayment(new PaymentPayloadV1(1, "exact", "solana-devnet", new SvmPayload(tx))));

        Assert.True(decoded.IsSuccess, decoded.Reason);
        Assert.Equal(1, decoded.Value!.Version);
        Assert.Equal("solana-devnet", decoded.Value.V1!.Network);
    }

    [Fact]
    public void EncodeSettleResponse_Failure_WritesEmptyTransactionAndNoNulls()
    {
        var header = HeaderCodec.EncodeSettleResponse(new SettleResponse(false, "", X402Networks.SolanaDevnet, ErrorReason: "settle_failed"));
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(header));

        Assert.Contains("\"transaction\":\"\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.False(HeaderCodec.DecodeSettleResponse(header).Value!.Success);
    }

    /// <summary>The expected reason by name: the codec's types are internal to the shared assembly.</summary>
    public static TheoryData<string?, string?, string> Malformed => new()
    {
        { null, null, nameof(HeaderDecodeError.Missing) },
        { "", "", nameof(HeaderDecodeError.Missing) },
        { "not base64!", null, nameof(HeaderDecodeError.NotBase64) },
        { "eyJ4NDAyVmVyc2lvbiI6Mn0", null, nameof(HeaderDecodeError.NotBase64) }, // unpadded
        { "ab-_", null, nameof(HeaderDecodeError.NotBase64) }, // base64url alphabet
        { B64("not json"), null, nameof(HeaderDecodeError.NotJson) },
        { B64("[1,2]"), null, nameof(HeaderDecodeError.WrongShape) },
        { B64("{\"x402Version\":2}"), null, nameof(HeaderDecodeError.WrongShape) },
        { B64("{\"x402Version\":\"2\"}"), null, nameof(HeaderDecodeError.WrongShape) },
        { B64("{\"x402Version\":2,\"payload\":{\"transaction\":\"AA==\"},\"accepted\":{\"scheme\":\"exact\"}}"), null, nameof(HeaderDecodeError.WrongShape) },
        { B64("{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"solana\",\"payload\":{\"transaction\":\"AA==\"}}"), null, nameof(HeaderDecodeError.UnsupportedVersion) },
        { null, B64("{\"x402Version\":2,\"scheme\":\"exact\",\"network\":\"solana\",\"payload\":{\"transaction\":\"AA==\"}}"), nameof(HeaderDecodeError.UnsupportedVersion) },
        { null, B64("{\"x402Version\":1,\"scheme\":\"exact\",\"network\":\"solana\",\"payload\":{}}"), nameof(HeaderDecodeError.WrongShape) },
        { new string('A', HeaderCodec.MaxHeaderLength + 4), null, nameof(HeaderDecodeError.TooLong) },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void DecodePayment_Malformed_ReturnsTypedReason(string? paymentSignature, string? xPayment, string expectedReason)
    {
        var expected = Enum.Parse<HeaderDecodeError>(expectedReason);
        var decoded = HeaderCodec.DecodePayment(paymentSignature, xPayment);

        Assert.False(decoded.IsSuccess);
        Assert.Equal(expected, decoded.Error);
        Assert.False(string.IsNullOrWhiteSpace(decoded.Reason));
    }

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
}
