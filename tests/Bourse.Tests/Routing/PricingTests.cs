using System.Text;
using Bourse.Catalog;
using Bourse.Routing;

namespace Bourse.Tests.Routing;

public sealed class PricingTests
{
    private static readonly ProviderOffer DeepSeek = new() { Provider = "DeepSeek", UpstreamModel = "deepseek-chat", InputPricePerMillion = 270_000, OutputPricePerMillion = 1_100_000 };
    private static readonly ModelListing Model = new() { Id = "deepseek-chat", ContextLength = 65_536, DefaultMaxOutputTokens = 4_096, Offers = [DeepSeek] };

    [Theory]
    [InlineData(1_000_000, 0, 270_000)]
    [InlineData(0, 1_000_000, 1_100_000)]
    [InlineData(1, 0, 1)] // 0.27 micro-USDC rounds up
    [InlineData(1, 1, 3)] // 0.27 → 1, 1.1 → 2
    [InlineData(0, 0, 0)]
    public void Cost_TokensTimesPricePerMillion_RoundedUp(long prompt, long completion, long expected) =>
        Assert.Equal(expected, Pricing.Cost(DeepSeek, prompt, completion));

    [Fact]
    public void Hold_CoversEveryChoice() =>
        Assert.Equal(Pricing.Cost(DeepSeek, 100, 3 * 500), Pricing.Hold(DeepSeek, 100, 500, 3));

    [Theory]
    [InlineData("""{"max_completion_tokens":100,"max_tokens":50}""", 100)]
    [InlineData("""{"max_tokens":50}""", 50)]
    [InlineData("""{}""", 4_096)]
    [InlineData("""{"max_tokens":1000000}""", 65_536)]
    public void OutputCap_MaxCompletionTokensThenMaxTokensThenDefault_CappedByContext(string extra, int expected)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(extra)!.AsObject();
        node["model"] = "deepseek-chat";
        node["messages"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["role"] = "user", ["content"] = "hi" });
        var json = node.ToJsonString();

        var (request, error) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Null(error);
        Assert.Equal(expected, Pricing.OutputCap(request!, Model));
    }

    [Fact]
    public void Parse_UnknownFieldsAndParts_AreKeptForTheUpstream()
    {
        const string Json = """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://x"}}]}],"seed":7,"response_format":{"type":"json_object"},"vendor_flag":true}""";

        var (request, _) = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(Json));

        Assert.Equal(7, (int)request!.Body["seed"]!);
        Assert.True((bool)request.Body["vendor_flag"]!);
        Assert.Equal("json_object", (string?)request.Body["response_format"]!["type"]);
    }

    [Fact]
    public void CountPrompt_LongerPrompt_MoreTokensAndImagesCount()
    {
        var estimator = new TokenEstimator();
        var (short_, _) = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}]}"""u8);
        var (long_, _) = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":"hi, please write a long essay about the history of Solana and its token programs"}]}"""u8);
        var (image, _) = ChatRequestParser.Parse("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"https://x"}}]}]}"""u8);

        Assert.True(estimator.CountPrompt(long_!.Body) > estimator.CountPrompt(short_!.Body) + 10);
        Assert.True(estimator.CountPrompt(image!.Body) > estimator.CountPrompt(short_.Body) + 500);
    }
}
