using System.ComponentModel.DataAnnotations;

namespace Bourse.Payments.X402;

/// <summary>Where a tokenized model's x402 revenue goes: its revenue vault authority (a wallet with a USDC ATA).</summary>
public sealed class X402ModelPayTo
{
    [Required]
    public string Id { get; init; } = "";

    [Required]
    [RegularExpression(X402Options.AddressPattern)]
    public string PayTo { get; init; } = "";
}
