using Bourse.Quasar;
using Bourse.Solana;
using Bourse.Solana.Programs;

namespace Bourse.Buyback;

/// <summary>
/// The program's own buyback and burn instructions, for a vault the program owns (its authority is the
/// PDA <c>["vault_authority", listing]</c>), encoded from the program's IDL: <c>buyback</c> passes the
/// venue's swap instruction through (its data as <c>route</c>, its accounts after the declared ones) and
/// the program signs for the vault; <c>burn</c> burns what the vault's token account bought.
/// </summary>
public sealed class ProgramVaultInstructions(QuasarIdl idl)
{
    public ProgramVaultInstructions()
        : this(QuasarIdl.Default)
    {
    }

    public PublicKey ProgramId => idl.ProgramId;

    /// <summary>The PDA that owns a program vault's USDC and token accounts.</summary>
    public PublicKey VaultAuthority(PublicKey listing) => PublicKey.FindProgramAddress([[.. "vault_authority"u8], listing.Bytes.ToArray()], idl.ProgramId).Address;

    /// <summary>Whether <paramref name="vault"/> is owned by the program (its authority is the listing's vault-authority PDA).</summary>
    public bool OwnsVault(BuybackVault vault) => vault.ListingAccount is { } listing && VaultAuthority(listing) == vault.VaultAuthority;

    /// <summary>
    /// <c>buyback(usdc_amount, min_tokens_out, route)</c>: swap <paramref name="usdcAmount"/> of the vault's USDC through
    /// <paramref name="swap"/> (the venue's instruction, built for the vault authority) into the vault's token account.
    /// </summary>
    public TransactionInstruction Buyback(
        PublicKey cranker, PublicKey listing, PublicKey vaultUsdc, PublicKey mint, PublicKey tokenProgram, PublicKey usdcMint,
        TransactionInstruction swap, ulong usdcAmount, ulong minTokensOut)
    {
        var authority = VaultAuthority(listing);
        return idl.Instruction("buyback").Build(
            new Dictionary<string, PublicKey>
            {
                ["cranker"] = cranker, ["listing"] = listing, ["vaultUsdc"] = vaultUsdc, ["vaultTokenAccount"] = VaultTokenAccount(listing, mint, tokenProgram),
                ["mint"] = mint, ["usdcMint"] = usdcMint, ["tokenProgram"] = tokenProgram, ["swapProgram"] = swap.ProgramId,
            },
            new Dictionary<string, object?> { ["usdc_amount"] = usdcAmount, ["min_tokens_out"] = minTokensOut, ["route"] = swap.Data },
            // The vault authority is a PDA: the program signs for it by invoke_signed, the transaction cannot.
            swap.Accounts.Select(a => a.Key == authority ? a with { IsSigner = false } : a));
    }

    /// <summary><c>burn(amount)</c>: burn from the vault's token account.</summary>
    public TransactionInstruction Burn(PublicKey cranker, PublicKey listing, PublicKey mint, PublicKey tokenProgram, ulong amount) =>
        idl.Instruction("burn").Build(
            new Dictionary<string, PublicKey>
            {
                ["cranker"] = cranker, ["listing"] = listing, ["vaultTokenAccount"] = VaultTokenAccount(listing, mint, tokenProgram), ["mint"] = mint, ["tokenProgram"] = tokenProgram,
            },
            new Dictionary<string, object?> { ["amount"] = amount });

    /// <summary>The vault authority's token account for the model's mint (its ATA).</summary>
    public PublicKey VaultTokenAccount(PublicKey listing, PublicKey mint, PublicKey tokenProgram) =>
        PublicKey.FindAssociatedTokenAddress(VaultAuthority(listing), mint, tokenProgram);

    /// <summary>Creates the vault authority's token account if it is missing (the crank pays the rent).</summary>
    public TransactionInstruction CreateVaultTokenAccount(PublicKey payer, PublicKey listing, PublicKey mint, PublicKey tokenProgram) =>
        AssociatedTokenProgram.CreateIdempotent(payer, VaultAuthority(listing), mint, tokenProgram);
}
