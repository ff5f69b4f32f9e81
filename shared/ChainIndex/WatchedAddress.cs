namespace Bourse.ChainIndex;

/// <summary>An address whose history the indexer follows: the program, a listing's vault or a listing's mint.</summary>
public sealed record WatchedAddress(WatchKind Kind, string Address, ChainListing? Listing);
