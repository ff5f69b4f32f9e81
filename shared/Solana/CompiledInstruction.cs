namespace Bourse.Solana;

/// <summary>An instruction inside a message: indexes into the message's account list.</summary>
public sealed record CompiledInstruction(byte ProgramIdIndex, byte[] AccountIndexes, byte[] Data);
