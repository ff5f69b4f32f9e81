namespace Bourse.Deposits;

/// <summary>A deposit whose reference is still watched (until <see cref="WatchUntil"/>).</summary>
public sealed record OpenDeposit(string Id, string AccountId, string Reference, DateTimeOffset WatchUntil);
