namespace Bourse.Accounts;

/// <summary>
/// Who is calling an owner route: a signed-in wallet (<see cref="Wallet"/> set, its account is the
/// address) or one of an account's API keys (<see cref="KeyId"/> set). Only a wallet may create keys.
/// </summary>
public sealed record AccountOwner(string AccountId, string? KeyId, string? Wallet)
{
    public bool IsWallet => Wallet is not null;
}
