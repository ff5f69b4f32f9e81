namespace Bourse.Accounts;

/// <summary>The ids of rail 1's usage events: settlement posts each once.</summary>
public static class UsageEventIds
{
    /// <summary>A call billed by an exact hold: its event is named after the hold.</summary>
    public static string Credits(string holdId) => "credits_" + holdId;

    /// <summary>A call billed against a lease: its event is named after the request.</summary>
    public static string Leased(string requestId) => "credits_" + requestId;
}
