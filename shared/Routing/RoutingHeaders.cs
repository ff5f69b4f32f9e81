namespace Bourse.Routing;

public static class RoutingHeaders
{
    /// <summary>The offer that served the call: <c>provider/model</c>.</summary>
    public const string ModelId = "X-Bourse-Model-Id";

    public const string RequestId = "X-Request-Id";

    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>On an answer replayed to a retry with the same Idempotency-Key (as Stripe and others name it).</summary>
    public const string IdempotentReplayed = "Idempotent-Replayed";
}
