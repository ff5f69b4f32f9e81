using System.Globalization;
using System.Numerics;

namespace Bourse.Tests.Pages;

/// <summary>What the pages should show for an integer amount in smallest units, in en-US (the tests' browser locale).</summary>
internal static class Figures
{
    public static string Units(string raw, int decimals, int minFraction = 2)
    {
        var value = BigInteger.Parse(raw, CultureInfo.InvariantCulture);
        var negative = value < 0;
        var abs = BigInteger.Abs(value);
        var scale = BigInteger.Pow(10, decimals);
        var fraction = decimals > 0 ? (abs % scale).ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0') : "";
        while (fraction.Length > Math.Min(minFraction, decimals) && fraction.EndsWith('0'))
        {
            fraction = fraction[..^1];
        }

        return (negative ? "-" : "") + Group((abs / scale).ToString(CultureInfo.InvariantCulture)) + (fraction.Length > 0 ? "." + fraction : "");
    }

    public static string Usdc(string raw) => Units(raw, 6);

    /// <summary>en-US digit grouping (the tests run in invariant globalization mode, so without culture data).</summary>
    private static string Group(string digits)
    {
        var groups = new List<string>();
        for (var end = digits.Length; end > 0; end -= 3)
        {
            groups.Insert(0, digits[Math.Max(0, end - 3)..end]);
        }

        return string.Join(',', groups);
    }
}
