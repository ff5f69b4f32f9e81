namespace Bourse.Accounts;

/// <summary>An account's charged usage for one key on one UTC day. Micro-USDC.</summary>
public sealed record UsageSummary(DateOnly Day, string? KeyId, long Requests, long PromptTokens, long CompletionTokens, long CostMicroUsdc);
