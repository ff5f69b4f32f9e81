namespace Bourse.Deposits;

/// <summary>Why a transaction found under a deposit's reference credits nothing.</summary>
public enum DepositRejection
{
    None,
    Failed,
    Unreadable,
    MissingReference,
    NoTransfer,
    WrongMint,
    WrongRecipient,
    NothingArrived,
    ClaimedByAnotherDeposit,
}
