using Bourse.Payments.X402;

namespace Bourse.Tests.Payments.X402;

public sealed class PaymentVerifierTests
{
    [Fact]
    public void Check_V2AcceptedMatches_UsesMessageHashAsIdAndForwardsRawPayload()
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction();
        var header = X402TestData.Decode(X402TestData.PayloadV2(challenge, tx));

        var check = PaymentVerifier.Check(header, challenge);

        Assert.Null(check.Rejection);
        Assert.Equal(PaymentTransaction.TryRead(tx, out _)!.MessageHash, check.Payment!.Id);
        Assert.Equal(2, check.Payment.Request.X402Version);
        Assert.Equal(header.Raw.GetRawText(), check.Payment.Request.PaymentPayload.GetRawText());
        Assert.Equal("2500", check.Payment.Request.PaymentRequirements.GetProperty("amount").GetString());
    }

    public static TheoryData<string, X402Rejection, string> Tampered => new()
    {
        { "amount", X402Rejection.AmountMismatch, "amount_mismatch" },
        { "asset", X402Rejection.AssetMismatch, "asset_mismatch" },
        { "payTo", X402Rejection.PayToMismatch, "recipient_mismatch" },
        { "network", X402Rejection.NetworkMismatch, "network_mismatch" },
        { "scheme", X402Rejection.SchemeMismatch, "scheme_mismatch" },
        { "feePayer", X402Rejection.FeePayerMismatch, "fee_payer_mismatch" },
        { "timeout", X402Rejection.TimeoutMismatch, "max_timeout_mismatch" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public void Check_V2AcceptedDiffers_RejectsWithReason(string field, X402Rejection expected, string reason)
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction();
        var payload = X402TestData.PayloadV2(challenge, tx, r => field switch
        {
            "amount" => r with { Amount = "1" },
            "asset" => r with { Asset = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v" },
            "payTo" => r with { PayTo = X402TestData.Treasury },
            "network" => r with { Network = X402Networks.SolanaMainnet },
            "scheme" => r with { Scheme = "upto" },
            "feePayer" => r with { Extra = new SvmExtra { FeePayer = X402TestData.Treasury } },
            _ => r with { MaxTimeoutSeconds = 60 },
        });

        var check = PaymentVerifier.Check(X402TestData.Decode(payload), challenge);

        Assert.Null(check.Payment);
        Assert.Equal(expected, check.Rejection);
        Assert.Equal(reason, check.Reason);
    }

    [Fact]
    public void Check_V2AcceptedWithExtraHints_Accepted()
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction();
        var payload = X402TestData.PayloadV2(challenge, tx, r => r with { Extra = r.Extra! with { RecentBlockhash = "11111111111111111111111111111111", Memo = "abc" } });

        Assert.NotNull(PaymentVerifier.Check(X402TestData.Decode(payload), challenge).Payment);
    }

    [Fact]
    public void Check_V1Payload_ForwardsTheRebuiltV1Requirement()
    {
        var challenge = X402TestData.Challenge(amount: 4_321);
        var (tx, _) = X402TestData.Transaction();
        var header = X402TestData.Decode(new PaymentPayloadV1(1, "exact", "solana-devnet", new SvmPayload(tx)));

        var check = PaymentVerifier.Check(header, challenge);

        Assert.NotNull(check.Payment);
        var requirements = check.Payment.Request.PaymentRequirements;
        Assert.Equal(1, check.Payment.Request.X402Version);
        Assert.Equal("solana-devnet", requirements.GetProperty("network").GetString());
        Assert.Equal("4321", requirements.GetProperty("maxAmountRequired").GetString());
        Assert.Equal(X402TestData.GemmaPayTo, requirements.GetProperty("payTo").GetString());
        Assert.Equal(X402TestData.FeePayer, requirements.GetProperty("extra").GetProperty("feePayer").GetString());
    }

    [Theory]
    [InlineData("solana", "exact", X402Rejection.NetworkMismatch)]
    [InlineData("solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1", "exact", X402Rejection.NetworkMismatch)]
    [InlineData("solana-devnet", "upto", X402Rejection.SchemeMismatch)]
    public void Check_V1WrongNetworkOrScheme_Rejects(string network, string scheme, X402Rejection expected)
    {
        var (tx, _) = X402TestData.Transaction();
        var header = X402TestData.Decode(new PaymentPayloadV1(1, scheme, network, new SvmPayload(tx)));

        Assert.Equal(expected, PaymentVerifier.Check(header, X402TestData.Challenge()).Rejection);
    }

    [Fact]
    public void Check_TransactionFeePayerIsNotTheFacilitators_Rejects()
    {
        var challenge = X402TestData.Challenge();
        var (tx, _) = X402TestData.Transaction(feePayer: X402TestData.Treasury);

        var check = PaymentVerifier.Check(X402TestData.Decode(X402TestData.PayloadV2(challenge, tx)), challenge);

        Assert.Equal(X402Rejection.FeePayerMismatch, check.Rejection);
    }

    [Fact]
    public void Check_GarbageTransaction_RejectsAsInvalidTransaction()
    {
        var challenge = X402TestData.Challenge();

        var check = PaymentVerifier.Check(X402TestData.Decode(X402TestData.PayloadV2(challenge, "AQID")), challenge);

        Assert.Equal(X402Rejection.InvalidTransaction, check.Rejection);
        Assert.StartsWith("invalid_transaction:", check.Reason, StringComparison.Ordinal);
    }
}
