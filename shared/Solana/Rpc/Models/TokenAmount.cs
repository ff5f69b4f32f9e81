using System.Globalization;

namespace Bourse.Solana.Rpc.Models;

/// <summary>A token amount; <see cref="Amount"/> is the integer in the token's smallest unit, as a string on the wire.</summary>
public sealed record TokenAmount(string Amount, byte Decimals, string? UiAmountString)
{
    public ulong RawAmount => ulong.Parse(Amount, CultureInfo.InvariantCulture);
}
