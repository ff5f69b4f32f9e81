namespace Bourse.Solana.Programs;

public static class AssociatedTokenProgram
{
    /// <summary>Creates the owner's associated token account; fails if it exists.</summary>
    public static TransactionInstruction Create(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey? tokenProgramId = null) =>
        Build(payer, owner, mint, tokenProgramId ?? ProgramIds.Token, []);

    /// <summary>Creates the owner's associated token account unless it exists already: safe to retry.</summary>
    public static TransactionInstruction CreateIdempotent(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey? tokenProgramId = null) =>
        Build(payer, owner, mint, tokenProgramId ?? ProgramIds.Token, [1]);

    private static TransactionInstruction Build(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey tokenProgramId, byte[] data) => new(
        ProgramIds.AssociatedToken,
        [
            AccountMeta.Writable(payer, isSigner: true),
            AccountMeta.Writable(PublicKey.FindAssociatedTokenAddress(owner, mint, tokenProgramId)),
            AccountMeta.ReadOnly(owner),
            AccountMeta.ReadOnly(mint),
            AccountMeta.ReadOnly(ProgramIds.System),
            AccountMeta.ReadOnly(tokenProgramId),
        ],
        data);
}
