using Bourse.Buyback;
using Bourse.ChainIndex;
using Bourse.Market;

namespace Bourse.Tests.Market;

/// <summary>What the market calls a buyback: the crank's swap (and burn), not its collection of the treasury's share out of the vault.</summary>
public sealed class MarketBuybackHistoryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ACranksCollection_IsACollection_NotABuyback_AndItsSwapIsOneBuyback()
    {
        // As the indexer stored them: every USDC outflow of the vault is a "Buyback" fact.
        List<ChainFact> history =
        [
            Fact("collect-1", ChainFactKind.Buyback, 300_000, slot: 10),
            Fact("swap-1", ChainFactKind.Buyback, 1_000_000, slot: 11),
            Fact("burn-1", ChainFactKind.Burn, 42_000, slot: 12),
            Fact("collect-2", ChainFactKind.Buyback, 50_000, slot: 20), // the next job: collected, not swapped yet
        ];
        BuybackJob[] jobs =
        [
            Job("j1", BuybackState.Done) with { CollectSignature = "collect-1", Collected = 300_000, SwapSignature = "swap-1", SwapSlot = 11, BurnSignature = "burn-1", BurnSlot = 12, Burned = 42_000 },
            Job("j2", BuybackState.Collected) with { CollectSignature = "collect-2", Collected = 50_000 },
        ];

        var merged = MarketReader.Merge(history, jobs);

        var buyback = Assert.Single(merged, f => f.Kind == ChainFactKind.Buyback);
        Assert.Equal(("swap-1", 1_000_000L), (buyback.Signature, buyback.Amount));
        Assert.Equal(["collect-1", "collect-2"], merged.Where(f => f.Kind == ChainFactKind.Collection).Select(f => f.Signature).Order(StringComparer.Ordinal));
        Assert.Equal(350_000, merged.Where(f => f.Kind == ChainFactKind.Collection).Sum(f => f.Amount));
        Assert.Equal("burn-1", Assert.Single(merged, f => f.Kind == ChainFactKind.Burn).Signature);
    }

    [Fact]
    public void AVaultOutflowTheCrankDidNotMake_StaysABuyback()
    {
        List<ChainFact> history = [Fact("program-buyback", ChainFactKind.Buyback, 700, slot: 5)];

        var merged = MarketReader.Merge(history, [Job("j", BuybackState.Collected) with { CollectSignature = "other" }]);

        Assert.Equal(ChainFactKind.Buyback, Assert.Single(merged).Kind);
    }

    private static ChainFact Fact(string signature, ChainFactKind kind, long amount, long slot) =>
        new("mint", signature, "1", kind, "m", amount, "vault", null, null, null, slot, At.AddSeconds(slot));

    private static BuybackJob Job(string id, BuybackState state) => new()
    {
        Id = id, Model = "m", Mint = "mint", TokenProgram = "token", Decimals = 6, VaultAuthority = "crank", VaultUsdcAccount = "vault",
        Custody = VaultCustody.CrankKey, State = state, AmountIn = 1_000_000, PlannedAt = At,
    };
}
