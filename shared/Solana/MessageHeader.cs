namespace Bourse.Solana;

public sealed record MessageHeader(byte RequiredSignatures, byte ReadOnlySigned, byte ReadOnlyUnsigned);
