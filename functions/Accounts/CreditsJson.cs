using System.Text.Json.Nodes;
using Bourse.Accounts;

namespace Bourse.Functions.Accounts;

internal static class CreditsJson
{
    /// <summary>
    /// The balance with its open holds: the exact holds, and the calls in flight on this instance's lease
    /// (counted in <c>pending</c> and taken out of <c>leased</c>, so the parts still add up to the deposits).
    /// </summary>
    public static JsonObject Balance(CreditBalance balance, IReadOnlyList<OpenHold> holds, IReadOnlyList<LeaseTicket> inFlight)
    {
        var reserved = inFlight.Sum(t => t.Reserved);
        var json = Balance(balance with { Pending = balance.Pending + reserved, Leased = Math.Max(0, balance.Leased - reserved) });
        json["open_holds"] = new JsonArray(
        [
            .. holds.Select(h => new JsonObject { ["id"] = h.Id, ["key_id"] = h.KeyId, ["amount"] = h.Amount, ["expires_at"] = h.ExpiresAt }),
            .. inFlight.Select(t => new JsonObject { ["id"] = t.RequestId, ["key_id"] = t.KeyId, ["amount"] = t.Reserved, ["expires_at"] = null }),
        ]);
        return json;
    }

    public static JsonObject Balance(CreditBalance balance) => new()
    {
        ["deposited"] = balance.Deposited,
        ["pending"] = balance.Pending,
        ["posted"] = balance.Posted,
        ["leased"] = balance.Leased,
        ["available"] = balance.Deposited - balance.Pending - balance.Posted - balance.Leased,
        ["currency"] = "micro-USDC",
    };
}
