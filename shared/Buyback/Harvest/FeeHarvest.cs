namespace Bourse.Buyback.Harvest;

/// <summary>
/// One harvest of one Token-2022 mint (table <c>FeeHarvests</c>, partition = mint): the token accounts
/// whose withheld fees were harvested into the mint (<see cref="Harvested"/>, as read before harvesting),
/// and the withdrawal of the mint's withheld fees to the treasury (<see cref="Withdrawn"/>, the treasury
/// account's increase in the landed transaction). The withdrawal is recorded before it is sent.
/// </summary>
public sealed record FeeHarvest
{
    public required string Id { get; init; }

    public required string Model { get; init; }

    public required string Mint { get; init; }

    public required DateTimeOffset At { get; init; }

    public int Accounts { get; init; }

    public long Harvested { get; init; }

    public IReadOnlyList<string> HarvestSignatures { get; init; } = [];

    public string? TreasuryAccount { get; init; }

    public FeeWithdrawalState Withdrawal { get; init; }

    public string? WithdrawSignature { get; init; }

    public byte[]? WithdrawTransaction { get; init; }

    public ulong WithdrawLastValidBlockHeight { get; init; }

    public long Withdrawn { get; init; }

    public string? Error { get; init; }
}
