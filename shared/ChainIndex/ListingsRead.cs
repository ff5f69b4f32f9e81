namespace Bourse.ChainIndex;

/// <summary>The program's listing accounts as one cycle read them.</summary>
/// <param name="Listings">Those that decoded as listings.</param>
/// <param name="Accounts">Every <c>ModelListing</c> account on chain (decoded or not): a stored listing whose account is not among them was closed.</param>
/// <param name="Slot">The slot they were read at.</param>
public sealed record ListingsRead(IReadOnlyList<ChainListing> Listings, IReadOnlySet<string> Accounts, long Slot);
