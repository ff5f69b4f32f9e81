namespace Bourse.Market;

/// <summary>
/// A listed model on the market page: its listing (registry), its token and vault as the indexer last read them
/// (null before the first indexer cycle), and its inference volume (settlement ledger). Amounts are integers:
/// micro-USDC for the vault and revenue, token units (see <see cref="Decimals"/>) for supply, burns and
/// <see cref="WithheldFees"/> (Token-2022 transfer fees withheld in the mint and its token accounts, not withdrawn yet;
/// null without a transfer fee).
/// </summary>
public sealed record MarketCard(
    string ModelId,
    string Status,
    string Track,
    string Mint,
    string TokenProgram,
    int ModelFeeBps,
    string Vault,
    string VaultAuthority,
    int? Decimals,
    int? TransferFeeBps,
    long? Supply,
    long Burned,
    long? VaultBalance,
    long? IndexedSlot,
    MarketVolume Volume24h,
    MarketVolume Volume30d,
    MarketChainEvent? LastBuyback,
    long? WithheldFees = null);
