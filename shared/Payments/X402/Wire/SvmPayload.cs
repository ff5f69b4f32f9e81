namespace Bourse.Payments.X402;

/// <param name="Transaction">Base64 wire v0 transaction, signed by the payer, fee payer slot still empty.</param>
public sealed record SvmPayload(string Transaction);
