namespace Bourse.Deposits;

/// <summary>One transfer credited to a deposit: its transaction signature (the credit's idempotency key) and what arrived.</summary>
public sealed record DepositPayment(string Signature, long AmountMicroUsdc, ulong Slot, DateTimeOffset CreditedAt);
