using System.Text;

namespace Bourse.Solana.Programs;

public static class MemoProgram
{
    /// <summary>A UTF-8 memo; optional signers must sign the transaction.</summary>
    public static TransactionInstruction Memo(string text, params PublicKey[] signers) => new(
        ProgramIds.Memo,
        [.. signers.Select(s => AccountMeta.ReadOnly(s, isSigner: true))],
        Encoding.UTF8.GetBytes(text));
}
