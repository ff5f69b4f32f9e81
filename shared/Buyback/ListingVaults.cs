using Bourse.Listings;
using Bourse.Solana;

namespace Bourse.Buyback;

/// <summary>The vaults the crank works on: every approved listing in the registry's snapshot.</summary>
public sealed class ListingVaults(ListingRegistry registry)
{
    public async Task<IReadOnlyList<BuybackVault>> ApprovedAsync(CancellationToken cancellationToken)
    {
        var snapshot = await registry.RefreshAsync(cancellationToken);
        return [.. snapshot.All.Where(l => l.IsPaid).OrderBy(l => l.ModelId, StringComparer.Ordinal).Select(From)];
    }

    public static BuybackVault From(Listing listing) => new(
        listing.ModelId,
        PublicKey.Parse(listing.Mint),
        PublicKey.Parse(listing.TokenProgram),
        PublicKey.Parse(listing.VaultAuthority),
        PublicKey.Parse(listing.VaultUsdcAccount),
        listing.ListingAccount is { Length: > 0 } account ? PublicKey.Parse(account) : null);
}
