namespace Bourse.Demo;

/// <summary>A demo call's result: on <see cref="X402DemoStatus.Paid"/>, what moved and what came back.</summary>
public sealed record X402DemoOutcome(X402DemoStatus Status, string? Detail = null, X402DemoReceipt? Receipt = null, TimeSpan? RetryAfter = null)
{
    public static X402DemoOutcome Failed(X402DemoStatus status, string detail, TimeSpan? retryAfter = null) => new(status, detail, null, retryAfter);
}
