using Bourse.Settlement;

namespace Bourse.Tests.Settlement;

public sealed class FeeSplitTests
{
    [Fact]
    public void Of_RandomGrossAndFees_PartsAreExactAndFloored()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 20_000; i++)
        {
            var gross = i % 10 == 0 ? random.NextInt64(0, long.MaxValue) : random.NextInt64(0, 10_000_000);
            var creatorBps = random.Next(0, 5_000);
            var protocolBps = random.Next(0, 5_000);

            var split = FeeSplit.Of(gross, creatorBps, protocolBps);

            Assert.Equal(gross, split.ProviderPayout + split.CreatorFee + split.ProtocolFee);
            Assert.InRange(split.ProviderPayout, 0, gross);
            Assert.Equal(System.Numerics.BigInteger.Divide((System.Numerics.BigInteger)gross * creatorBps, 10_000), split.CreatorFee);
            Assert.Equal(System.Numerics.BigInteger.Divide((System.Numerics.BigInteger)gross * protocolBps, 10_000), split.ProtocolFee);
        }
    }

    [Theory]
    [InlineData(1_000_000, 250, 100, 965_000, 25_000, 10_000)]
    [InlineData(99, 250, 100, 97, 2, 0)]
    [InlineData(0, 250, 100, 0, 0, 0)]
    public void Of_KnownAmounts_RemainderGoesToTheProvider(long gross, int creatorBps, int protocolBps, long provider, long creator, long protocol) =>
        Assert.Equal(new FeeSplit(gross, provider, creator, protocol), FeeSplit.Of(gross, creatorBps, protocolBps));

    [Fact]
    public void Of_FeesAboveTheWhole_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FeeSplit.Of(100, 9_000, 1_001));

    [Fact]
    public void ProtocolFeeSchedule_ChangeTakesEffectOnlyForLaterCalls()
    {
        var change = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var schedule = new ProtocolFeeSchedule([
            new ProtocolFeeStep { EffectiveFrom = change, Bps = 150 },
            new ProtocolFeeStep { EffectiveFrom = DateTimeOffset.MinValue, Bps = 100 },
        ]);

        Assert.Equal(100, schedule.BpsAt(change.AddTicks(-1)));
        Assert.Equal(150, schedule.BpsAt(change));
        Assert.Equal(150, schedule.BpsAt(change.AddYears(1)));
    }
}
