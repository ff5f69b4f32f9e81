using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>Prices in micro-USDC per million tokens applied to token counts, always rounded up to a whole micro-USDC.</summary>
public static class Pricing
{
    private const long PerMillion = 1_000_000;

    public static long Cost(ProviderOffer offer, long promptTokens, long completionTokens) =>
        Times(offer.InputPricePerMillion, promptTokens) + Times(offer.OutputPricePerMillion, completionTokens);

    /// <summary>The most a call can cost: the prompt plus the output cap for each of the <paramref name="choices"/>.</summary>
    public static long Hold(ProviderOffer offer, long promptTokens, long maxOutputTokens, int choices) =>
        Cost(offer, promptTokens, checked(maxOutputTokens * choices));

    /// <summary>The output cap of a request: max_completion_tokens, else max_tokens, else the model's default; never above the context.</summary>
    public static int OutputCap(ChatRequest request, ModelListing model) =>
        Math.Min(request.MaxOutputTokens ?? model.DefaultMaxOutputTokens, model.ContextLength);

    /// <summary>
    /// An upper bound of a request's prompt tokens without a tokenizer: a token is at least one UTF-8
    /// byte of the body, and an image part counts as <see cref="TokenEstimator.ImagePartTokens"/>.
    /// </summary>
    public static long PromptUpperBound(ChatRequest request)
    {
        long images = 0;
        foreach (var message in request.Body["messages"]?.AsArray() ?? [])
        {
            if (message?["content"] is System.Text.Json.Nodes.JsonArray parts)
            {
                images += parts.Count(p => (string?)p?["type"] is not (null or "text"));
            }
        }

        return request.Raw.Length + (images * TokenEstimator.ImagePartTokens);
    }

    private static long Times(long pricePerMillion, long tokens) =>
        (long)(((Int128)pricePerMillion * tokens + PerMillion - 1) / PerMillion);
}
