namespace Bourse.Demo;

/// <param name="AmountMicroUsdc">What the payer paid, in micro-USDC (a string, as x402 writes amounts).</param>
/// <param name="PayTo">The payee of the quote: the model's vault authority (or the treasury for a model without a listing).</param>
/// <param name="PayeeTokenAccount">The USDC account that received it (the payee's associated token account).</param>
/// <param name="Signature">The settled transaction's signature (base58).</param>
public sealed record X402DemoReceipt(
    string Model,
    string Answer,
    string AmountMicroUsdc,
    string PayTo,
    string PayeeTokenAccount,
    string Signature,
    string Network,
    string Payer,
    long ElapsedMs,
    string? ServedBy);
