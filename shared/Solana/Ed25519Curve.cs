using System.Numerics;

namespace Bourse.Solana;

/// <summary>
/// The on-curve test exactly as the chain makes it (curve25519-dalek's
/// <c>CompressedEdwardsY::decompress().is_some()</c>): bit 255 is ignored, y is reduced mod p, and
/// the point exists iff (y²−1)/(d·y²+1) is a square mod p.
/// </summary>
public static class Ed25519Curve
{
    private static readonly BigInteger P = BigInteger.Pow(2, 255) - 19;
    private static readonly BigInteger D = Mod(-121665 * BigInteger.ModPow(121666, P - 2, P));
    private static readonly BigInteger HalfOfPMinusOne = (P - 1) / 2;

    public static bool IsOnCurve(ReadOnlySpan<byte> compressed)
    {
        Span<byte> y = stackalloc byte[32];
        compressed.CopyTo(y);
        y[31] &= 0x7f;
        var yy = new BigInteger(y, isUnsigned: true) % P;
        var ySquared = yy * yy % P;
        var u = Mod(ySquared - 1);
        var v = Mod(D * ySquared + 1);
        var uv = u * v % P;
        return uv.IsZero || BigInteger.ModPow(uv, HalfOfPMinusOne, P).IsOne;
    }

    private static BigInteger Mod(BigInteger value) => ((value % P) + P) % P;
}
