namespace Bourse.Settlement;

/// <summary>One event as the settlement ledger holds it, and the page it was posted in (<see cref="SettlementLedger.PageId"/>).</summary>
public sealed record PostedEvent(SettlementPosting Posting, string Page);
