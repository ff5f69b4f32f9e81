namespace Bourse.Settlement;

/// <summary>
/// One on-chain transfer of creator fees from the treasury's USDC account to a model's vault. The
/// signed transaction is recorded before it is sent, so a run that crashed after sending finds it,
/// asks the chain, and never transfers twice.
/// </summary>
public sealed record Sweep(
    string Model,
    int Number,
    SweepState State,
    long Amount,
    string VaultAccount,
    string Signature,
    byte[] Transaction,
    ulong LastValidBlockHeight,
    DateTimeOffset PlannedAt,
    string? Error = null)
{
    public bool IsOpen => State is SweepState.Planned or SweepState.Sent;
}
