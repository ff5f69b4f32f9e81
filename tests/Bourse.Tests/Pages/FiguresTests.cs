namespace Bourse.Tests.Pages;

/// <summary>The tests' own formatting of amounts (what the pages must show) is right.</summary>
public sealed class FiguresTests
{
    [Theory]
    [InlineData("0", 6, 2, "0.00")]
    [InlineData("1", 6, 2, "0.000001")]
    [InlineData("1500000", 6, 2, "1.50")]
    [InlineData("1234567891", 6, 2, "1,234.567891")]
    [InlineData("-2500", 6, 2, "-0.0025")]
    [InlineData("1000000000000000", 9, 0, "1,000,000")]
    [InlineData("50", 2, 0, "0.5")]
    public void Units_FormatsExactly(string raw, int decimals, int minFraction, string expected) =>
        Assert.Equal(expected, Figures.Units(raw, decimals, minFraction));
}
