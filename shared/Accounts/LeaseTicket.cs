namespace Bourse.Accounts;

/// <summary>A call admitted against this instance's lease on its account: what it reserved, in memory only.</summary>
public sealed record LeaseTicket(string AccountId, string KeyId, string RequestId, long Reserved, DateTimeOffset AdmittedAt);
