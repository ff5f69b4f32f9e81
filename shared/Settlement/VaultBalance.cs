namespace Bourse.Settlement;

/// <summary>
/// What the treasury and one model's revenue vault owe each other, in micro-USDC, as running totals.
/// <see cref="OwedToVault"/>: creator fees of calls paid to the treasury (credits, or x402 for a model
/// without a vault). <see cref="Swept"/>: what sweeps moved or are moving on chain.
/// <see cref="OwedToTreasury"/>: the provider and protocol shares of x402 payments that landed in the
/// vault, which the buyback collects. <see cref="CreatorFeesInVault"/>: the creator's share of those
/// payments, which stays in the vault for the buyback.
/// </summary>
public sealed record VaultBalance(string Model, long OwedToVault, long Swept, long OwedToTreasury, int Sweeps, long CreatorFeesInVault = 0)
{
    /// <summary>Creator fees not swept yet.</summary>
    public long Payable => OwedToVault - Swept;
}
