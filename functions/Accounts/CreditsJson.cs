using System.Text.Json.Nodes;
using Bourse.Accounts;

namespace Bourse.Functions.Accounts;

internal static class CreditsJson
{
    public static JsonObject Balance(CreditBalance balance, IReadOnlyList<OpenHold>? holds = null)
    {
        var json = Balance(balance);
        if (holds is not null)
        {
            json["open_holds"] = new JsonArray([.. holds.Select(h => new JsonObject
            {
                ["id"] = h.Id,
                ["key_id"] = h.KeyId,
                ["amount"] = h.Amount,
                ["expires_at"] = h.ExpiresAt,
            })]);
        }

        return json;
    }

    public static JsonObject Balance(CreditBalance balance) => new()
    {
        ["deposited"] = balance.Deposited,
        ["pending"] = balance.Pending,
        ["posted"] = balance.Posted,
        ["available"] = balance.Available,
        ["currency"] = "micro-USDC",
    };
}
