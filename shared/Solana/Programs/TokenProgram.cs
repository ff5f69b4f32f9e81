namespace Bourse.Solana.Programs;

/// <summary>SPL Token instructions; each takes the program id, so they serve Token and Token-2022 alike.</summary>
public static class TokenProgram
{
    public const int MintSize = 82;
    public const int AccountSize = 165;

    public static TransactionInstruction TransferChecked(
        PublicKey source, PublicKey mint, PublicKey destination, PublicKey owner, ulong amount, byte decimals, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(source), AccountMeta.ReadOnly(mint), AccountMeta.Writable(destination), AccountMeta.ReadOnly(owner, isSigner: true)],
        new InstructionData().U8(12).U64(amount).U8(decimals).ToArray());

    public static TransactionInstruction Burn(PublicKey account, PublicKey mint, PublicKey owner, ulong amount, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(account), AccountMeta.Writable(mint), AccountMeta.ReadOnly(owner, isSigner: true)],
        new InstructionData().U8(8).U64(amount).ToArray());

    public static TransactionInstruction BurnChecked(PublicKey account, PublicKey mint, PublicKey owner, ulong amount, byte decimals, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(account), AccountMeta.Writable(mint), AccountMeta.ReadOnly(owner, isSigner: true)],
        new InstructionData().U8(15).U64(amount).U8(decimals).ToArray());

    public static TransactionInstruction MintTo(PublicKey mint, PublicKey destination, PublicKey authority, ulong amount, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(mint), AccountMeta.Writable(destination), AccountMeta.ReadOnly(authority, isSigner: true)],
        new InstructionData().U8(7).U64(amount).ToArray());

    public static TransactionInstruction InitializeMint2(PublicKey mint, byte decimals, PublicKey mintAuthority, PublicKey? freezeAuthority = null, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(mint)],
        new InstructionData().U8(20).U8(decimals).Key(mintAuthority).OptionalKey(freezeAuthority).ToArray());

    public static TransactionInstruction InitializeAccount3(PublicKey account, PublicKey mint, PublicKey owner, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(account), AccountMeta.ReadOnly(mint)],
        new InstructionData().U8(18).Key(owner).ToArray());

    public static TransactionInstruction CloseAccount(PublicKey account, PublicKey destination, PublicKey owner, PublicKey? programId = null) => new(
        programId ?? ProgramIds.Token,
        [AccountMeta.Writable(account), AccountMeta.Writable(destination), AccountMeta.ReadOnly(owner, isSigner: true)],
        new InstructionData().U8(9).ToArray());
}
