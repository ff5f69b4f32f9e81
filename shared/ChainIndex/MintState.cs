namespace Bourse.ChainIndex;

/// <summary>
/// A listed model's token mint as the chain last showed it. Table <c>ModelMints</c>, partition <c>mint</c>, row key
/// the mint address. Amounts in the token's smallest unit.
/// </summary>
/// <param name="Listing">The program's <c>ModelListing</c> account this mint belongs to.</param>
/// <param name="TokenProgram">Token or Token-2022 program id.</param>
/// <param name="TransferFeeBasisPoints">Token-2022 transfer fee in force now (null: no TransferFeeConfig).</param>
/// <param name="TransferFeeMaximum">The fee's cap per transfer, when there is a fee.</param>
/// <param name="WithheldInMint">Transfer fees harvested to the mint and not withdrawn yet.</param>
/// <param name="WithheldInAccounts">Transfer fees still withheld in the mint's token accounts (not harvested yet; Token-2022 with a fee only).</param>
/// <param name="Slot">The slot of the read that produced this row.</param>
public sealed record MintState(
    string Mint, string ModelId, string Listing, string TokenProgram, long Supply, byte Decimals,
    int? TransferFeeBasisPoints, long? TransferFeeMaximum, long WithheldInMint, long Slot, long WithheldInAccounts = 0);
