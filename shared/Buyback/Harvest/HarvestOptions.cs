using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;
using Bourse.Settlement;

namespace Bourse.Buyback.Harvest;

/// <summary>The Token-2022 transfer-fee harvest (section <c>Harvest</c>); its transactions are paid by the crank's key.</summary>
[AppScope("functions")]
public sealed class HarvestOptions
{
    public const string SectionName = "Harvest";

    /// <summary>
    /// The listings' withdraw-withheld authority (Solana CLI file content or base58 of the 64 bytes): it
    /// moves the harvested fees from the mint to the treasury. A secret: Key Vault, never logged. Without
    /// it fees are harvested into the mints and wait there.
    /// </summary>
    [Secret]
    public string? WithdrawAuthorityKeypair { get; init; }

    /// <summary>A mint's harvest is skipped while its accounts withhold less than this in total (token units): a transaction costs a fee.</summary>
    [Range(1, long.MaxValue)]
    public long MinimumWithheld { get; init; } = 1;

    public Solana.Keypair? WithdrawAuthority() => TreasuryOptions.ParseKeypair(WithdrawAuthorityKeypair);

    public bool HasValidKeypair() => new TreasuryOptions { Keypair = WithdrawAuthorityKeypair }.HasValidKeypair();
}
