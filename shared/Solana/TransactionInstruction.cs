namespace Bourse.Solana;

public sealed record TransactionInstruction(PublicKey ProgramId, IReadOnlyList<AccountMeta> Accounts, byte[] Data);
