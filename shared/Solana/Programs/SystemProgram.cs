namespace Bourse.Solana.Programs;

public static class SystemProgram
{
    public static TransactionInstruction Transfer(PublicKey from, PublicKey to, ulong lamports) => new(
        ProgramIds.System,
        [AccountMeta.Writable(from, isSigner: true), AccountMeta.Writable(to)],
        new InstructionData().U32(2).U64(lamports).ToArray());

    public static TransactionInstruction CreateAccount(PublicKey from, PublicKey newAccount, ulong lamports, ulong space, PublicKey owner) => new(
        ProgramIds.System,
        [AccountMeta.Writable(from, isSigner: true), AccountMeta.Writable(newAccount, isSigner: true)],
        new InstructionData().U32(0).U64(lamports).U64(space).Key(owner).ToArray());
}
