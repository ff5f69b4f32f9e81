using System.Text.Json;
using System.Text.Json.Nodes;
using Bourse.Payments.X402;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

public sealed class RequirementBuilderTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void Build_PricedModel_V1HasAbsoluteResourceIntegerTimeoutAndAmountBesideMaxAmount()
    {
        var challenge = X402TestData.Challenge(amount: 2_500);
        var v1 = JsonNode.Parse(Body(challenge))!["accepts"]![0]!;

        Assert.Equal("2500", (string)v1["maxAmountRequired"]!);
        Assert.Equal("2500", (string)v1["amount"]!);
        Assert.Equal(JsonValueKind.Number, v1["maxTimeoutSeconds"]!.GetValueKind());
        Assert.Equal(300, (int)v1["maxTimeoutSeconds"]!);
        Assert.True(Uri.TryCreate((string)v1["resource"]!, UriKind.Absolute, out _));
        Assert.Equal("application/json", (string)v1["mimeType"]!);
        Assert.Equal(X402TestData.FeePayer, (string)v1["extra"]!["feePayer"]!);
        Assert.Equal(X402TestData.GemmaPayTo, (string)v1["payTo"]!);
    }

    [Theory]
    [InlineData(X402Networks.SolanaDevnet, "solana-devnet")]
    [InlineData(X402Networks.SolanaMainnet, "solana")]
    [InlineData(X402Networks.SolanaTestnet, "solana-testnet")]
    public void Build_Network_V1UsesV1NameAndV2UsesCaip2(string caip2, string v1Name)
    {
        var challenge = X402TestData.Builder(X402TestData.Options(caip2)).Build(new X402Quote(X402TestData.Resource, null, null), X402TestData.FeePayer);

        Assert.Equal(v1Name, challenge.RequirementV1.Network);
        Assert.Equal(caip2, challenge.Requirement.Network);
        Assert.Contains(':', challenge.Requirement.Network);
        Assert.Equal(caip2, (string)JsonNode.Parse(Header(challenge))!["accepts"]![0]!["network"]!);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("unknown/model", null)]
    [InlineData(X402TestData.Gemma, 2_500L)]
    public void Build_AnyQuote_WritesNoNullsInHeaderOrBody(string? model, long? amount)
    {
        var challenge = X402TestData.Builder().Build(new X402Quote(X402TestData.Resource, model, amount), X402TestData.FeePayer);

        Assert.DoesNotContain("null", Header(challenge), StringComparison.Ordinal);
        Assert.DoesNotContain("null", Body(challenge), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EmptyBodyQuote_ChargesDefaultPriceToTreasury()
    {
        var challenge = X402TestData.Builder().Build(new X402Quote(X402TestData.Resource, null, null), X402TestData.FeePayer);

        Assert.Equal("10000", challenge.Requirement.Amount);
        Assert.Equal("10000", challenge.RequirementV1.MaxAmountRequired);
        Assert.Equal(X402TestData.Treasury, challenge.Requirement.PayTo);
        Assert.Equal("Payment required", challenge.V2.Error);
    }

    [Fact]
    public void Build_UnknownModel_PaysTreasury()
    {
        var challenge = X402TestData.Challenge(amount: 5_000, model: "someone/else");

        Assert.Equal(X402TestData.Treasury, challenge.Requirement.PayTo);
        Assert.Equal("5000", challenge.Requirement.Amount);
    }

    [Theory]
    [InlineData(1L, "1000")]
    [InlineData(0L, "10000")]
    [InlineData(-5L, "10000")]
    [InlineData(123_456L, "123456")]
    public void Build_Quote_IsAtLeastTheMinimum(long amount, string expected) =>
        Assert.Equal(expected, X402TestData.Challenge(amount: amount).Requirement.Amount);

    [Fact]
    public void Build_V2Envelope_HasResourceObjectAndCaip2()
    {
        var v2 = JsonNode.Parse(Header(X402TestData.Challenge()))!;

        Assert.Equal(2, (int)v2["x402Version"]!);
        Assert.Equal(X402TestData.Resource.AbsoluteUri, (string)v2["resource"]!["url"]!);
        Assert.Equal("2500", (string)v2["accepts"]![0]!["amount"]!);
        Assert.Null(v2["accepts"]![0]!["maxAmountRequired"]);
    }

    /// <summary>
    /// The exact 402 both client generations were shown to pay (tools/facilitator/test.mjs serves this
    /// fixture with the live chain's addresses substituted): the C# builder must keep producing it.
    /// </summary>
    [Fact]
    public void Build_FixedInputs_MatchesGoldenFixture()
    {
        var challenge = X402TestData.Challenge();
        var actual = new JsonObject
        {
            ["header"] = JsonNode.Parse(Header(challenge)),
            ["body"] = JsonNode.Parse(Body(challenge)),
        };
        var path = Path.Combine(LocalStack.RepositoryRoot, "tools", "facilitator", "fixtures", "bourse-402.json");
        var expected = JsonNode.Parse(File.ReadAllText(path))!;

        Assert.True(JsonNode.DeepEquals(expected, actual), $"{path} differs from the builder's output:\n{actual.ToJsonString(Indented)}");
    }

    private static string Header(PaymentChallenge challenge) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(HeaderCodec.EncodePaymentRequired(challenge.V2)));

    private static string Body(PaymentChallenge challenge) =>
        JsonSerializer.Serialize(challenge.V1, X402JsonContext.Default.PaymentRequiredV1);
}
