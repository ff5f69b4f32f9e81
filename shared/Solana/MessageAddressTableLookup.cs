namespace Bourse.Solana;

public sealed record MessageAddressTableLookup(PublicKey TableKey, byte[] WritableIndexes, byte[] ReadOnlyIndexes);
