namespace Bourse.ChainIndex;

/// <summary>
/// One fact of a listed model's on-chain history, stored once. Table <c>ChainHistory</c>, partition the model's
/// mint address, row key <c>{signature}:{index}</c> where index is the instruction's position (<c>2</c>), an inner
/// instruction's (<c>2.1</c>) or an event's (<c>e2.0</c>: instruction 2, first event). Revenue and burns come from the
/// token instructions themselves; a program's own events are kept as <see cref="ChainFactKind.Event"/> rows beside
/// them, so sum <see cref="ChainFactKind.Revenue"/> rows (not RevenueDeposited events) for revenue.
/// Supply at an earlier time: the current supply minus later <see cref="ChainFactKind.Mint"/> amounts plus later
/// <see cref="ChainFactKind.Burn"/> amounts.
/// </summary>
/// <param name="Amount">Micro-USDC for Revenue and Buyback, token units for Burn and Mint, 0 for events.</param>
/// <param name="Account">The token account moved from or to (the vault for Revenue and Buyback, the burned-from account for Burn).</param>
/// <param name="Counterparty">The other side: the source owner of Revenue, the destination of Buyback, the authority of a Burn.</param>
/// <param name="EventJson">The event's fields as JSON (integers as JSON numbers, keys base58).</param>
public sealed record ChainFact(
    string Mint, string Signature, string Index, ChainFactKind Kind, string ModelId, long Amount,
    string? Account, string? Counterparty, string? EventName, string? EventJson, long Slot, DateTimeOffset? BlockTime)
{
    public string RowKey => $"{Signature}:{Index}";
}
