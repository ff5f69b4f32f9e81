using System.Text.Json.Serialization;
using Bourse.Listings;

namespace Bourse.Usage;

/// <summary>
/// What a call was charged under, fixed from the listing registry's snapshot when the call happened:
/// its creator fee, the listing (mint and vault) that fee belongs to, and for x402 the address the
/// payment went to. Settlement splits the call by these terms and never looks the model up again.
/// A model without a paid listing has no creator: fee 0, no mint, no vault.
/// </summary>
/// <param name="CreatorFeeBps">The listing's <see cref="Listing.ModelFeeBps"/>, 0 without one.</param>
/// <param name="Mint">The listing's token mint.</param>
/// <param name="VaultAuthority">The vault's owner (x402's payTo for the model).</param>
/// <param name="VaultUsdcAccount">The vault's USDC token account.</param>
/// <param name="PayTo">x402 only: the address the payment was made to (the vault authority or the treasury).</param>
public sealed record ChargeTerms(int CreatorFeeBps, string? Mint = null, string? VaultAuthority = null, string? VaultUsdcAccount = null, string? PayTo = null)
{
    /// <summary>No listing: no creator fee, nothing owed to any vault.</summary>
    public static ChargeTerms Unlisted { get; } = new(0);

    /// <summary>The terms of a call to a model whose paid listing is <paramref name="listing"/> (null: none).</summary>
    public static ChargeTerms For(Listing? listing, string? payTo = null) => listing is { IsPaid: true }
        ? new ChargeTerms(listing.ModelFeeBps, listing.Mint, listing.VaultAuthority, listing.VaultUsdcAccount, payTo)
        : Unlisted with { PayTo = payTo };

    /// <summary>The call's creator fee belongs to a vault.</summary>
    [JsonIgnore]
    public bool HasVault => VaultUsdcAccount is not null;

    /// <summary>An x402 payment made straight to the vault's owner.</summary>
    [JsonIgnore]
    public bool PaidIntoVault => HasVault && PayTo is not null && string.Equals(PayTo, VaultAuthority, StringComparison.Ordinal);
}
