using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Settlement;

/// <summary>The treasury (section <c>Treasury</c>): the wallet whose USDC account pays creator fees out to the vaults.</summary>
[AppScope("functions")]
public sealed class TreasuryOptions
{
    public const string SectionName = "Treasury";

    /// <summary>
    /// The treasury's keypair: the Solana CLI's file content (a JSON array of 64 bytes) or base58 of the
    /// 64 bytes. A secret: Key Vault, never logged. Without it, sweeps do not run.
    /// </summary>
    [Secret]
    public string? Keypair { get; init; }

    /// <summary>A model's creator fees are swept once they reach this much (micro-USDC): a transfer costs a fee.</summary>
    [Range(1, long.MaxValue)]
    public long SweepThreshold { get; init; } = 1_000_000;
}
