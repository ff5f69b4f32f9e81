namespace Bourse.Accounts;

/// <summary>
/// A lease row, <c>lease|&lt;instance&gt;</c> in the account's partition: the slice of the balance the
/// instance may admit calls against (<c>Amount</c>, also counted in the balance row's <c>Leased</c>),
/// until <c>ExpiresAt</c> (pushed on by every sync), the number of its last sync (<c>Seq</c>, so a
/// sync whose answer was lost can tell it committed), and the flush of the instance's
/// <see cref="BillingJournal"/> through which the account's charges are posted (<c>PostedThrough</c>):
/// the janitor posts the account's charges in later flushes if the instance dies.
/// </summary>
public static class LeaseRows
{
    public const string Prefix = "lease|";

    /// <summary>The <see cref="Storage.DueIndex"/> kind of lease expiries; ids are <c>account|instance</c>.</summary>
    public const string DueKind = "lease";

    public static string Row(string instance) => Prefix + instance;
}
