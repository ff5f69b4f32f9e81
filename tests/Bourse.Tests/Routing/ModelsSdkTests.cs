using System.ClientModel;
using System.Text.Json;
using Bourse.Tests.Infrastructure;
using OpenAI;
using OpenAI.Models;

namespace Bourse.Tests.Routing;

/// <summary><c>GET /api/v1/models</c> through the official OpenAI SDKs (.NET, and npm by models-sdk.mjs), unmodified, with <c>base_url=…/api/v1</c>.</summary>
public sealed class ModelsSdkTests
{
    [Fact]
    public async Task GetModels_DotNetSdk_ListsEveryModelAndTheListedOnesSayTheirMintAndVault()
    {
        var account = await TestAccount.CreateAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential(account.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(LocalStack.Instance.Api + "/v1") });

        var models = await client.GetModelsAsync();
        var raw = JsonDocument.Parse(models.GetRawResponse().Content.ToString()).RootElement.GetProperty("data").EnumerateArray()
            .ToDictionary(m => m.GetProperty("id").GetString()!, m => m.Clone());

        Assert.Contains(models.Value, m => m.Id == "deepseek-chat" && m.OwnedBy == "deepseek");
        foreach (var seeded in LocalStack.Instance.Chain.GetProperty("models").EnumerateArray())
        {
            var id = seeded.GetProperty("id").GetString()!;
            Assert.Contains(models.Value, m => m.Id == id);
            Assert.True(raw[id].GetProperty("tokenized").GetBoolean());
            Assert.Equal(seeded.GetProperty("mint").GetString(), raw[id].GetProperty("mint").GetString());
            Assert.Equal(seeded.GetProperty("vaultUsdcAccount").GetString(), raw[id].GetProperty("vault").GetString());
        }

        Assert.False(raw["deepseek-chat"].GetProperty("tokenized").GetBoolean());
    }

    [Fact]
    public async Task GetModel_DotNetSdk_FindsAnIdWithASlashAnd404sAnUnknownOne()
    {
        var account = await TestAccount.CreateAsync();
        var client = new OpenAIModelClient(new ApiKeyCredential(account.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(LocalStack.Instance.Api + "/v1") });

        var model = await client.GetModelAsync("google/gemma-3-27b-it");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetModelAsync("no-such/model"));

        Assert.Equal("google/gemma-3-27b-it", model.Value.Id);
        Assert.Equal(404, error.Status);
    }

    [Fact]
    public async Task ModelsList_NpmSdk_ListsAndRetrieves()
    {
        var account = await TestAccount.CreateAsync();
        using var chain = await ChainFile.WriteAsync();
        var script = Path.Combine(LocalStack.RepositoryRoot, "tests", "Bourse.Tests", "Routing", "models-sdk.mjs");

        var run = await NodeRun.RunAsync(script, [LocalStack.Instance.Api, chain.Path, account.ApiKey]);

        Assert.True(run.ExitCode == 0, run.Failure(script));
        Assert.Contains("# pass 2", run.Stdout, StringComparison.Ordinal);
    }
}
