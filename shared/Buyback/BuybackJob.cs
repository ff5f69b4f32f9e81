namespace Bourse.Buyback;

/// <summary>
/// One buyback of one vault in one planning window, as stored (table <c>Buybacks</c>, partition = model,
/// row = <see cref="Id"/>). Amounts are integers: USDC in micro-USDC, bought and burned in the token's
/// smallest unit. A step's signature, transaction bytes and last valid block height are set before it is sent.
/// </summary>
public sealed record BuybackJob
{
    public required string Id { get; init; }

    public required string Model { get; init; }

    public required string Mint { get; init; }

    public required string TokenProgram { get; init; }

    public required byte Decimals { get; init; }

    public required string VaultAuthority { get; init; }

    public required string VaultUsdcAccount { get; init; }

    public required VaultCustody Custody { get; init; }

    /// <summary>The program's listing account (a program-owned vault's job needs it for the program's instructions).</summary>
    public string? ListingAccount { get; init; }

    public required BuybackState State { get; init; }

    /// <summary>The creator-fee USDC this job buys with (reserved when planned).</summary>
    public required long AmountIn { get; init; }

    public required DateTimeOffset PlannedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Transient failures so far (rate limits, expired transactions).</summary>
    public int Attempts { get; init; }

    /// <summary>The treasury's share moved out of the vault (micro-USDC), marked collected in the ledger with this job.</summary>
    public long Collected { get; init; }

    public string? CollectSignature { get; init; }

    public byte[]? CollectTransaction { get; init; }

    public ulong CollectLastValidBlockHeight { get; init; }

    public string? Venue { get; init; }

    public long QuotedOut { get; init; }

    public long MinimumOut { get; init; }

    public int PriceImpactBps { get; init; }

    public string? SwapSignature { get; init; }

    public byte[]? SwapTransaction { get; init; }

    public ulong SwapLastValidBlockHeight { get; init; }

    /// <summary>The slot the swap landed in.</summary>
    public ulong SwapSlot { get; init; }

    /// <summary>The slot the burn landed in.</summary>
    public ulong BurnSlot { get; init; }

    /// <summary>What the swap bought (the crank's token account's increase), known once it landed.</summary>
    public long AmountOut { get; init; }

    /// <summary>What the swap transaction itself burned (Jupiter: the minimum out, when it fits).</summary>
    public long BurnedInSwap { get; init; }

    public string? BurnSignature { get; init; }

    public byte[]? BurnTransaction { get; init; }

    public ulong BurnLastValidBlockHeight { get; init; }

    /// <summary>Burned in total: <see cref="BurnedInSwap"/> plus the burn step.</summary>
    public long Burned { get; init; }

    public string? Error { get; init; }

    /// <summary>The stored row's ETag: a step writes only over the version it read.</summary>
    public string? Version { get; init; }

    public bool IsOpen => State is not (BuybackState.Done or BuybackState.Failed);

    /// <summary>What is left to burn after the swap.</summary>
    public long ToBurn => AmountOut - BurnedInSwap;
}
