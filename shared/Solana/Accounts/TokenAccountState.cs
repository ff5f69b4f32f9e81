namespace Bourse.Solana.Accounts;

public enum TokenAccountState : byte
{
    Uninitialized = 0,
    Initialized = 1,
    Frozen = 2,
}
