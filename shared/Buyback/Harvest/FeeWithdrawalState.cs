namespace Bourse.Buyback.Harvest;

public enum FeeWithdrawalState
{
    /// <summary>No withdrawal: nothing was withheld in the mint, or no withdraw authority is configured.</summary>
    None,

    /// <summary>Signed and recorded, being sent: the next run asks the chain about it.</summary>
    Sent,

    /// <summary>Landed: the treasury has <see cref="FeeHarvest.Withdrawn"/>.</summary>
    Confirmed,

    /// <summary>It did nothing on chain; the fees stay in the mint for the next run.</summary>
    Abandoned,
}
