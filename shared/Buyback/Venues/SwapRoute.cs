using Bourse.Solana;

namespace Bourse.Buyback.Venues;

/// <summary>A venue's swap as instructions for another owner (a program's vault authority): setup to run first, the swap itself, and the lookup tables they use.</summary>
public sealed record SwapRoute(IReadOnlyList<TransactionInstruction> Setup, TransactionInstruction Swap, IReadOnlyList<AddressLookupTable> Tables);
