using System.Buffers.Binary;
using System.Text;
using Bourse.Buyback;
using Bourse.Solana;
using Bourse.Solana.Programs;

namespace Bourse.Tests.Buyback;

/// <summary>
/// The program's buyback and burn instructions for a program-owned vault, encoded from the IDL, byte for
/// byte against the layout the IDL declares (the program cannot run on the local chain).
/// </summary>
public sealed class ProgramVaultInstructionsTests
{
    private static readonly PublicKey Program = PublicKey.Parse("FAKZeAsRzau1uJrrzf4hMrKRuoPXs7ip1u8exgNd6Zkv");
    private static readonly PublicKey Usdc = PublicKey.Parse("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU");
    private readonly ProgramVaultInstructions _program = new();
    private readonly PublicKey _cranker = Keypair.Generate().PublicKey;
    private readonly PublicKey _listing = Keypair.Generate().PublicKey;
    private readonly PublicKey _mint = Keypair.Generate().PublicKey;

    [Fact]
    public void Buyback_JupiterRoute_EncodesDiscriminatorAmountsAndRouteAndAppendsTheVenuesAccounts()
    {
        var authority = Pda("vault_authority", _listing);
        var vaultUsdc = PublicKey.FindAssociatedTokenAddress(authority, Usdc, ProgramIds.Token);
        var pool = Keypair.Generate().PublicKey;
        var route = new byte[] { 0xE5, 0x17, 0xCB, 0x97, 0x01, 0x02, 0x03, 0x04, 0x05 };
        var swap = new TransactionInstruction(PublicKey.Parse("JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4"),
            [AccountMeta.ReadOnly(authority, isSigner: true), AccountMeta.Writable(vaultUsdc), AccountMeta.Writable(pool)], route);

        var ix = _program.Buyback(_cranker, _listing, vaultUsdc, _mint, ProgramIds.Token2022, Usdc, swap, 25_000_000, 987_654_321);

        var expected = new byte[1 + 8 + 8 + 2 + route.Length];
        expected[0] = 14;
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(1), 25_000_000);
        BinaryPrimitives.WriteUInt64LittleEndian(expected.AsSpan(9), 987_654_321);
        BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(17), (ushort)route.Length);
        route.CopyTo(expected, 19);
        Assert.Equal(Program, ix.ProgramId);
        Assert.Equal(expected, ix.Data);
        var vaultTokens = PublicKey.FindAssociatedTokenAddress(authority, _mint, ProgramIds.Token2022);
        Assert.Equal(
            [
                new AccountMeta(_cranker, true, false), new AccountMeta(Pda("config"), false, false), new AccountMeta(_listing, false, true),
                new AccountMeta(Pda("revenue_vault", _listing), false, true), new AccountMeta(authority, false, false), new AccountMeta(vaultUsdc, false, true),
                new AccountMeta(vaultTokens, false, true), new AccountMeta(_mint, false, true), new AccountMeta(Usdc, false, false),
                new AccountMeta(ProgramIds.Token2022, false, false), new AccountMeta(ProgramIds.Token, false, false), new AccountMeta(swap.ProgramId, false, false),
                new AccountMeta(authority, false, false), new AccountMeta(vaultUsdc, false, true), new AccountMeta(pool, false, true), // the route's, the PDA unsigned
            ],
            ix.Accounts);
    }

    [Fact]
    public void Burn_Amount_EncodesDiscriminatorAndAmountWithTheVaultsAccounts()
    {
        var ix = _program.Burn(_cranker, _listing, _mint, ProgramIds.Token, 123_456_789_012);

        Assert.Equal(new byte[] { 15, 0x14, 0x1A, 0x99, 0xBE, 0x1C, 0x00, 0x00, 0x00 }, ix.Data);
        var authority = Pda("vault_authority", _listing);
        Assert.Equal(
            [
                new AccountMeta(_cranker, true, false), new AccountMeta(_listing, false, true), new AccountMeta(Pda("revenue_vault", _listing), false, true),
                new AccountMeta(authority, false, false), new AccountMeta(PublicKey.FindAssociatedTokenAddress(authority, _mint, ProgramIds.Token), false, true),
                new AccountMeta(_mint, false, true), new AccountMeta(ProgramIds.Token, false, false),
            ],
            ix.Accounts);
    }

    [Fact]
    public void OwnsVault_AuthorityIsTheListingsVaultAuthorityPda_OnlyThen()
    {
        var authority = Pda("vault_authority", _listing);
        var vault = new BuybackVault("m", _mint, ProgramIds.Token, authority, PublicKey.FindAssociatedTokenAddress(authority, Usdc, ProgramIds.Token), _listing);

        Assert.True(_program.OwnsVault(vault));
        Assert.False(_program.OwnsVault(vault with { VaultAuthority = _cranker }));
        Assert.False(_program.OwnsVault(vault with { ListingAccount = null }));
    }

    private static PublicKey Pda(string seed, PublicKey? key = null) =>
        PublicKey.FindProgramAddress(key is { } k ? [Encoding.UTF8.GetBytes(seed), k.Bytes.ToArray()] : [Encoding.UTF8.GetBytes(seed)], Program).Address;
}
