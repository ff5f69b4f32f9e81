using Bourse.Solana;

namespace Bourse.Buyback.Venues;

/// <summary>An exact-in swap of <see cref="AmountIn"/> USDC for a model's token.</summary>
public sealed record SwapRequest(PublicKey UsdcMint, PublicKey OutputMint, PublicKey OutputTokenProgram, long AmountIn, int SlippageBps);
