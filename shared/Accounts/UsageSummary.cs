namespace Bourse.Accounts;

/// <summary>An account's charged usage for one key and model on one UTC day. Micro-USDC. <see cref="Model"/> is null on rows written before models were recorded.</summary>
public sealed record UsageSummary(DateOnly Day, string? KeyId, long Requests, long PromptTokens, long CompletionTokens, long CostMicroUsdc, string? Model = null);
