using System.Text;
using System.Text.Json.Nodes;
using Bourse.Catalog;
using Bourse.Routing;
using Microsoft.AspNetCore.Http;

namespace Bourse.Tests.Routing;

/// <summary>The relay's billing when the provider reports no usage: an estimate, capped by the output cap the hold was quoted for.</summary>
public sealed class ChatRelayTests
{
    private static readonly ProviderOffer Offer = new() { Provider = "DeepSeek", UpstreamModel = "deepseek-chat", InputPricePerMillion = 270_000, OutputPricePerMillion = 1_100_000 };
    private static readonly ModelListing Model = new() { Id = "deepseek-chat", Offers = [Offer] };
    private static readonly TokenEstimator Estimator = new();

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    public async Task NoUsageReported_TheEstimateNeverExceedsTheHold(int maxTokens, int n)
    {
        var request = ChatRequestParser.Parse(Encoding.UTF8.GetBytes(
            $$"""{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":{{maxTokens}},"n":{{n}}}""")).Request!;
        var longAnswer = string.Join(' ', Enumerable.Repeat("supercalifragilistic", 200));
        var completion = new JsonObject
        {
            ["object"] = "chat.completion",
            ["choices"] = new JsonArray([.. Enumerable.Range(0, n).Select(i => (JsonNode)new JsonObject { ["index"] = i, ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = longAnswer } })]),
        };
        var hold = Pricing.Hold(Offer, Estimator.CountPrompt(request.Body), Pricing.OutputCap(request, Model), request.Choices);
        CompletionUsage? used = null;
        var relay = new ChatRelay(Call(completion), request, Model, "req_1", Estimator, TimeSpan.FromSeconds(5), u =>
        {
            used = u;
            return Task.CompletedTask;
        });

        await relay.ExecuteAsync(new DefaultHttpContext { Response = { Body = new MemoryStream() } });

        Assert.True(used!.Estimated);
        Assert.Equal(maxTokens * n, used.CompletionTokens);
        Assert.InRange(used.CostMicroUsdc, 1, hold);
    }

    [Fact]
    public async Task ReportedUsageOfTheWrongTypeOrNegative_IsNotTrusted()
    {
        var request = ChatRequestParser.Parse("""{"model":"deepseek-chat","messages":[{"role":"user","content":"hi"}],"max_tokens":50}"""u8).Request!;
        var completion = new JsonObject
        {
            ["choices"] = new JsonArray(new JsonObject { ["message"] = new JsonObject { ["content"] = "hello there", ["tool_calls"] = new JsonArray(new JsonObject { ["function"] = new JsonObject { ["name"] = 5, ["arguments"] = new JsonObject() } }, "x", null) } }, "odd", null),
            ["usage"] = new JsonObject { ["prompt_tokens"] = -5, ["completion_tokens"] = "9" },
        };
        CompletionUsage? used = null;
        var relay = new ChatRelay(Call(completion), request, Model, "req_2", Estimator, TimeSpan.FromSeconds(5), u =>
        {
            used = u;
            return Task.CompletedTask;
        });
        var context = new DefaultHttpContext { Response = { Body = new MemoryStream() } };

        await relay.ExecuteAsync(context);

        Assert.Equal(200, context.Response.StatusCode);
        Assert.True(used!.Estimated);
        Assert.True(used.PromptTokens > 0 && used.CompletionTokens > 0 && used.CostMicroUsdc > 0);
    }

    private static RoutedCall Call(JsonObject completion) =>
        new(Offer, new HttpResponseMessage(System.Net.HttpStatusCode.OK), null, null, isFree: false, completion: completion);
}
