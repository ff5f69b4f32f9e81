namespace Bourse.Routing;

/// <summary>An expected failure of a chat call, in OpenAI's error vocabulary; turned into HTTP in one place (<see cref="ChatErrorResult"/>).</summary>
public sealed record ChatError(int Status, string Type, string Code, string Message, string? Param = null, TimeSpan? RetryAfter = null)
{
    public static ChatError BadRequest(string message, string? param, string code = "invalid_request") =>
        new(400, "invalid_request_error", code, message, param);

    public static ChatError Unauthorized(string message) => new(401, "authentication_error", "invalid_api_key", message);

    public static ChatError InsufficientCredits(long needed, long available) => new(402, "insufficient_quota", "insufficient_credits",
        $"This request may cost up to {needed} micro-USDC; the account has {available} available. Add credits or lower max_completion_tokens.");

    public static ChatError UnknownModel(string? model) => new(404, "not_found_error", "model_not_found",
        $"The model '{model}' does not exist. GET /api/models lists the models.", "model");

    public static ChatError Conflict(string code, string message) => new(409, "invalid_request_error", code, message);

    public static ChatError RateLimited(string message, TimeSpan? retryAfter) => new(429, "rate_limit_error", "rate_limit_exceeded", message, RetryAfter: retryAfter ?? TimeSpan.FromSeconds(1));

    public static ChatError AllOffersFailed(string model) => new(502, "server_error", "upstream_failed",
        $"Every provider of '{model}' failed before answering. Nothing was charged; retry shortly.");

    public static ChatError NothingRoutable(string model) => new(503, "server_error", "no_provider_available",
        $"No provider of '{model}' is available right now. Nothing was charged; retry shortly.", RetryAfter: TimeSpan.FromSeconds(5));
}
