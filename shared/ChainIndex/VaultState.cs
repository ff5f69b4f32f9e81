namespace Bourse.ChainIndex;

/// <summary>
/// A listed model's USDC revenue vault as the chain last showed it. Table <c>ModelVaults</c>, partition <c>vault</c>,
/// row key the vault's USDC token account.
/// </summary>
/// <param name="Mint">The model's token mint (the <see cref="MintState"/> it belongs with).</param>
/// <param name="Authority">The vault authority (the token account's owner).</param>
/// <param name="Amount">USDC held, in micro-USDC.</param>
/// <param name="Slot">The slot of the read that produced this row.</param>
public sealed record VaultState(string VaultUsdcAccount, string ModelId, string Listing, string Mint, string Authority, long Amount, long Slot);
