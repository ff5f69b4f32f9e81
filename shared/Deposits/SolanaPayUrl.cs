using System.Globalization;

namespace Bourse.Deposits;

/// <summary>
/// A Solana Pay transfer request URL (anza-xyz/solana-pay SPEC.md):
/// <c>solana:&lt;recipient&gt;?amount=&lt;decimal&gt;&amp;spl-token=&lt;mint&gt;&amp;reference=&lt;key&gt;&amp;label=&amp;message=&amp;memo=</c>.
/// The recipient is a wallet; the payer's wallet derives its token account.
/// </summary>
public static class SolanaPayUrl
{
    public static string Transfer(string recipient, long amountAtomic, byte decimals, string splToken, string reference, string label, string message, string memo) =>
        $"solana:{recipient}?amount={Amount(amountAtomic, decimals)}&spl-token={splToken}&reference={reference}" +
        $"&label={Uri.EscapeDataString(label)}&message={Uri.EscapeDataString(message)}&memo={Uri.EscapeDataString(memo)}";

    /// <summary>An atomic amount as the URL's decimal: no exponent, no trailing zeros (1500000 at 6 decimals → <c>1.5</c>).</summary>
    public static string Amount(long amountAtomic, byte decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amountAtomic);
        var scale = (long)Math.Pow(10, decimals);
        var whole = (amountAtomic / scale).ToString(CultureInfo.InvariantCulture);
        var fraction = (amountAtomic % scale).ToString(CultureInfo.InvariantCulture).PadLeft(decimals, '0').TrimEnd('0');
        return fraction.Length == 0 ? whole : whole + "." + fraction;
    }
}
