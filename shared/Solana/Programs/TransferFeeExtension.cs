namespace Bourse.Solana.Programs;

/// <summary>Token-2022's transfer-fee extension (instruction 26 and its sub-instructions).</summary>
public static class TransferFeeExtension
{
    private const byte Extension = 26;

    /// <summary>Must come before InitializeMint2 on the same mint.</summary>
    public static TransactionInstruction InitializeTransferFeeConfig(
        PublicKey mint, PublicKey? configAuthority, PublicKey? withdrawAuthority, ushort basisPoints, ulong maximumFee) => new(
        ProgramIds.Token2022,
        [AccountMeta.Writable(mint)],
        new InstructionData().U8(Extension).U8(0).OptionalKey(configAuthority).OptionalKey(withdrawAuthority).U16(basisPoints).U64(maximumFee).ToArray());

    public static TransactionInstruction TransferCheckedWithFee(
        PublicKey source, PublicKey mint, PublicKey destination, PublicKey owner, ulong amount, byte decimals, ulong fee) => new(
        ProgramIds.Token2022,
        [AccountMeta.Writable(source), AccountMeta.ReadOnly(mint), AccountMeta.Writable(destination), AccountMeta.ReadOnly(owner, isSigner: true)],
        new InstructionData().U8(Extension).U8(1).U64(amount).U8(decimals).U64(fee).ToArray());

    public static TransactionInstruction WithdrawWithheldTokensFromMint(PublicKey mint, PublicKey destination, PublicKey withdrawAuthority) => new(
        ProgramIds.Token2022,
        [AccountMeta.Writable(mint), AccountMeta.Writable(destination), AccountMeta.ReadOnly(withdrawAuthority, isSigner: true)],
        new InstructionData().U8(Extension).U8(2).ToArray());

    public static TransactionInstruction WithdrawWithheldTokensFromAccounts(
        PublicKey mint, PublicKey destination, PublicKey withdrawAuthority, IReadOnlyList<PublicKey> sources) => new(
        ProgramIds.Token2022,
        [AccountMeta.Writable(mint), AccountMeta.Writable(destination), AccountMeta.ReadOnly(withdrawAuthority, isSigner: true), .. sources.Select(s => AccountMeta.Writable(s))],
        new InstructionData().U8(Extension).U8(3).U8(checked((byte)sources.Count)).ToArray());

    /// <summary>Anyone may harvest: moves fees withheld in token accounts into the mint.</summary>
    public static TransactionInstruction HarvestWithheldTokensToMint(PublicKey mint, IReadOnlyList<PublicKey> sources) => new(
        ProgramIds.Token2022,
        [AccountMeta.Writable(mint), .. sources.Select(s => AccountMeta.Writable(s))],
        new InstructionData().U8(Extension).U8(4).ToArray());

    /// <summary>The fee Token-2022 withholds on a transfer: ceil(amount × bps / 10,000), capped at the maximum.</summary>
    public static ulong FeeFor(ulong amount, ushort basisPoints, ulong maximumFee)
    {
        var fee = (ulong)(((UInt128)amount * basisPoints + 9_999) / 10_000);
        return Math.Min(fee, maximumFee);
    }
}
