namespace Bourse.Solana.Programs;

public static class ComputeBudgetProgram
{
    public static TransactionInstruction SetComputeUnitLimit(uint units) =>
        new(ProgramIds.ComputeBudget, [], new InstructionData().U8(2).U32(units).ToArray());

    public static TransactionInstruction SetComputeUnitPrice(ulong microLamportsPerUnit) =>
        new(ProgramIds.ComputeBudget, [], new InstructionData().U8(3).U64(microLamportsPerUnit).ToArray());
}
