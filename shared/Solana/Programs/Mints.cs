namespace Bourse.Solana.Programs;

/// <summary>USDC (6 decimals, classic Token program) on each network.</summary>
public static class Mints
{
    public const byte UsdcDecimals = 6;

    public static PublicKey UsdcMainnet { get; } = PublicKey.Parse("EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v");
    public static PublicKey UsdcDevnet { get; } = PublicKey.Parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
}
