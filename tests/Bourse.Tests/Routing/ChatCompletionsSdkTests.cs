using System.ClientModel;
using Bourse.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Bourse.Tests.Routing;

/// <summary>The official OpenAI .NET SDK, unmodified, pointed at /api/v1 with a bs_live_ key.</summary>
public sealed class ChatCompletionsSdkTests
{
    [Fact]
    public async Task CompleteChat_NonStream_AnswersWithUsageAndTheServingOffer()
    {
        var account = await TestAccount.CreateAsync();
        var client = Client(account, "deepseek-chat");

        var result = await client.CompleteChatAsync([new UserChatMessage("Hello there")]);

        Assert.Contains("Hello from deepseek", result.Value.Content[0].Text, StringComparison.Ordinal);
        Assert.Equal("deepseek-chat", result.Value.Model);
        Assert.True(result.Value.Usage.OutputTokenCount > 0);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Bourse-Model-Id", out var served));
        Assert.Equal("deepseek/deepseek-chat", served);
        Assert.True(result.GetRawResponse().Headers.TryGetValue("X-Request-Id", out _));
    }

    [Fact]
    public async Task CompleteChatStreaming_TokensArriveAsUpdatesAndAreBilled()
    {
        var account = await TestAccount.CreateAsync();
        var client = Client(account, "google/gemma-3-27b-it");
        var text = new System.Text.StringBuilder();
        var updates = 0;
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("stream please")], new ChatCompletionOptions { MaxOutputTokenCount = 6 }))
        {
            updates++;
            text.Append(string.Concat(update.ContentUpdate.Select(p => p.Text)));
            usage ??= update.Usage;
        }

        Assert.True(updates >= 6, $"{updates} updates");
        Assert.StartsWith("Hello from ", text.ToString(), StringComparison.Ordinal);
        var credits = await account.CreditsAsync();
        Assert.True(credits.GetProperty("posted").GetInt64() > 0);
        Assert.Equal(0, credits.GetProperty("pending").GetInt64());
        if (usage is not null)
        {
            Assert.Equal(6, usage.OutputTokenCount);
        }
    }

    [Fact]
    public async Task CompleteChat_WithTools_ReturnsTheToolCall()
    {
        var account = await TestAccount.CreateAsync();
        var client = Client(account, "Qwen/Qwen3-235B-A22B");
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}}}"""));

        var result = await client.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], new ChatCompletionOptions { Tools = { tool } });

        Assert.Equal(ChatFinishReason.ToolCalls, result.Value.FinishReason);
        Assert.Equal("get_weather", result.Value.ToolCalls[0].FunctionName);
        Assert.Contains("Paris", result.Value.ToolCalls[0].FunctionArguments.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompleteChat_UnknownModel_SdkSeesA404()
    {
        var account = await TestAccount.CreateAsync();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Client(account, "no-such-model").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
    }

    internal static ChatClient Client(TestAccount account, string model) =>
        new(model, new ApiKeyCredential(account.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(LocalStack.Instance.Api + "/v1") });
}
