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

    /// <summary>The keypair <see cref="Keypair"/> names, or null when it is unset. Throws on a malformed value (checked at start-up).</summary>
    public static Solana.Keypair? ParseKeypair(string? value) => value?.Trim() switch
    {
        null or "" => null,
        ['[', ..] json => Solana.Keypair.FromJson(json),
        var base58 => Solana.Keypair.FromSecretKey(SimpleBase.Base58.Bitcoin.Decode(base58)),
    };

    /// <summary>Whether <see cref="Keypair"/> is unset or a valid 64-byte Solana keypair.</summary>
    public bool HasValidKeypair()
    {
        try
        {
            using var keypair = ParseKeypair(Keypair);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
