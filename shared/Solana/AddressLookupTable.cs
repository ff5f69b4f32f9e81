namespace Bourse.Solana;

/// <summary>An address lookup table as a v0 message uses it: its address and the addresses it holds.</summary>
public sealed record AddressLookupTable(PublicKey Key, IReadOnlyList<PublicKey> Addresses);
