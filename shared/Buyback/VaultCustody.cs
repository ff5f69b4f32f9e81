namespace Bourse.Buyback;

/// <summary>Who can move a vault's USDC, and so how the crank runs its buyback.</summary>
public enum VaultCustody
{
    /// <summary>The vault's authority is the crank's own key: the crank signs the collection, the swap and the burn.</summary>
    CrankKey,

    /// <summary>The program owns the vault: the crank calls the program's buyback and burn instructions.</summary>
    Program,
}
