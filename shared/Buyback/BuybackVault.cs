using Bourse.Solana;

namespace Bourse.Buyback;

/// <summary>
/// What the crank needs of a listing: the model, its token (mint and the token program that owns it),
/// and its revenue vault (the USDC token account and the authority that can move it).
/// </summary>
public sealed record BuybackVault(string Model, PublicKey Mint, PublicKey TokenProgram, PublicKey VaultAuthority, PublicKey VaultUsdcAccount);
