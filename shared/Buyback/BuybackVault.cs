using Bourse.Solana;

namespace Bourse.Buyback;

/// <summary>
/// What the crank needs of a listing: the model, its token (mint and the token program that owns it),
/// its revenue vault (the USDC token account and the authority that can move it) and, when it is on
/// chain, the program's listing account.
/// </summary>
public sealed record BuybackVault(
    string Model, PublicKey Mint, PublicKey TokenProgram, PublicKey VaultAuthority, PublicKey VaultUsdcAccount, PublicKey? ListingAccount = null);
