using System.Text.Json.Nodes;
using Bourse.Payments.X402;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Payments.X402;

public sealed class X402OpenApiDocumentTests
{
    [Fact]
    public void Create_PaidEndpoint_Documents402HeaderBodyAndACheapExample()
    {
        var doc = X402OpenApiDocument.Create(X402TestData.Options(), new Uri("https://api.bourse.example/api"));
        var post = doc["paths"]![X402OpenApiDocument.PaidPath]!["post"]!;

        Assert.Equal("3.1.0", (string)doc["openapi"]!);
        Assert.Equal("https://api.bourse.example/api", (string)doc["servers"]![0]!["url"]!);
        Assert.NotNull(post["responses"]!["402"]!["headers"]![X402Headers.PaymentRequired]);
        Assert.Equal("#/components/schemas/PaymentRequiredV1", (string)post["responses"]!["402"]!["content"]!["application/json"]!["schema"]!["$ref"]!);
        Assert.NotNull(post["responses"]!["200"]!["headers"]![X402Headers.PaymentResponse]);
        var example = post["requestBody"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal(X402OpenApiDocument.ExampleModel, (string)example["model"]!);
        Assert.True((int)example["max_tokens"]! <= 32);
    }

    /// <summary>docs/openapi.json is the pay.sh listing's sidecar: it must be what the endpoint serves in production.</summary>
    [Fact]
    public void Create_ProductionSettings_MatchesTheCommittedSnapshot()
    {
        var options = new X402Options { Network = X402Networks.SolanaMainnet, UsdcMint = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", TreasuryAddress = X402TestData.Treasury };
        var actual = X402OpenApiDocument.Create(options, new Uri("https://api.bourse.example/api"));
        var path = Path.Combine(LocalStack.RepositoryRoot, "docs", "openapi.json");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), actual),
            $"{path} is stale; regenerate it from GET /api/x402/openapi.json:\n{actual.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })}");
    }
}
