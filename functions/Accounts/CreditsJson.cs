using System.Text.Json.Nodes;
using Bourse.Accounts;

namespace Bourse.Functions.Accounts;

internal static class CreditsJson
{
    public static JsonObject Balance(CreditBalance balance) => new()
    {
        ["deposited"] = balance.Deposited,
        ["pending"] = balance.Pending,
        ["posted"] = balance.Posted,
        ["available"] = balance.Available,
        ["currency"] = "micro-USDC",
    };
}
