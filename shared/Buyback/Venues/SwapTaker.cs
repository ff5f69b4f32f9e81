using Bourse.Solana;

namespace Bourse.Buyback.Venues;

/// <summary>Who swaps: the crank's key, paying from <see cref="Source"/> (the vault's USDC) into <see cref="Destination"/> (its token account for the mint).</summary>
public sealed record SwapTaker(Keypair Signer, PublicKey Source, PublicKey Destination, byte Decimals);
