using Bourse.Usage;

namespace Bourse.Settlement;

/// <summary>
/// One usage event as the ledger records it: the split of its gross charge and the legs that move it.
/// Ledger accounts: <c>customer:&lt;account&gt;</c> (prepaid credits), <c>clearing</c> (nets to zero per
/// call), <c>provider:&lt;name&gt;</c>, <c>protocol</c>, <c>creator-payable:&lt;model&gt;</c> (owed by the
/// treasury to the model's vault, swept on chain), <c>vault:&lt;model&gt;</c> and <c>treasury</c> (USDC that
/// x402 payments brought in on chain). An x402 payment into a vault leaves that vault owing the
/// provider and protocol shares back to the treasury: the negative balance of <c>vault:&lt;model&gt;</c>.
/// </summary>
public sealed record SettlementPosting(UsageEvent Event, FeeSplit Split, int CreatorFeeBps, int ProtocolFeeBps, IReadOnlyList<LedgerLeg> Legs)
{
    public const string Clearing = "clearing";
    public const string Protocol = "protocol";
    public const string Treasury = "treasury";

    /// <summary>Creator fees the treasury holds for the model's vault: what this posting credits to <see cref="CreatorPayable"/>.</summary>
    public long OwedToVault => Legs.Where(l => l.Credit == CreatorPayable(Event.Model)).Sum(l => l.Amount);

    /// <summary>What an x402 payment into the vault brought in beyond the creator's share: the vault's net debit.</summary>
    public long OwedToTreasury =>
        Legs.Where(l => l.Debit == Vault(Event.Model)).Sum(l => l.Amount) - Legs.Where(l => l.Credit == Vault(Event.Model)).Sum(l => l.Amount);

    public static string CreatorPayable(string model) => "creator-payable:" + model;

    public static string Vault(string model) => "vault:" + model;

    /// <summary>
    /// The posting of <paramref name="usage"/> under the terms it was charged under (<see cref="UsageEvent.Terms"/>):
    /// its creator fee goes to the listing's vault (an x402 payment made into it) or is owed to it by the
    /// treasury (<see cref="CreatorPayable"/>); a call without a listing has no creator leg at all.
    /// </summary>
    public static SettlementPosting For(UsageEvent usage, int protocolFeeBps)
    {
        var terms = usage.Terms ?? ChargeTerms.Unlisted;
        var creatorFeeBps = terms.HasVault ? terms.CreatorFeeBps : 0;
        var paidIntoVault = usage.Rail == UsageEvent.X402Rail && terms.PaidIntoVault;
        var gross = usage.Rail == UsageEvent.X402Rail ? usage.AmountPaidMicroUsdc ?? usage.CostMicroUsdc : usage.CostMicroUsdc;
        var split = FeeSplit.Of(gross, creatorFeeBps, protocolFeeBps);
        var provider = "provider:" + usage.Offer.Split('/')[0];
        var source = usage.Rail == UsageEvent.X402Rail
            ? (paidIntoVault ? Vault(usage.Model) : Treasury)
            : "customer:" + usage.AccountId;
        List<LedgerLeg> legs =
        [
            new LedgerLeg(source, Clearing, split.Gross),
            new LedgerLeg(Clearing, provider, split.ProviderPayout),
        ];
        if (terms.HasVault)
        {
            legs.Add(new LedgerLeg(Clearing, paidIntoVault ? Vault(usage.Model) : CreatorPayable(usage.Model), split.CreatorFee));
        }

        legs.Add(new LedgerLeg(Clearing, Protocol, split.ProtocolFee));
        return new SettlementPosting(usage, split, creatorFeeBps, protocolFeeBps, legs);
    }
}
