using Bourse.Quasar;
using Bourse.Solana;

namespace Bourse.ChainIndex;

/// <summary>
/// A <c>ModelListing</c> account of the program, as the indexer read it: what the <c>Listings</c> registry needs.
/// Field names are looked up in the IDL's snake_case and in camelCase, so the published IDL may spell them either way.
/// </summary>
/// <param name="Address">The listing account's address.</param>
/// <param name="Track">The IDL's variant name: A (Bourse-native Token-2022) or B (external SPL).</param>
/// <param name="Status">The IDL's variant name, e.g. Approved, Paused, Delisted.</param>
/// <param name="Slot">The slot the account was read at.</param>
public sealed record ChainListing(
    string Address, string ModelId, string Mint, string TokenProgram, string Track, int ModelFeeBps,
    string VaultAuthority, string VaultUsdcAccount, string Status, long Slot)
{
    public const string AccountType = "ModelListing";

    public static ChainListing From(string address, QuasarRecord listing, long slot) => new(
        address,
        Text(listing, "model_id", "modelId"),
        Text(listing, "mint"),
        Text(listing, "token_program", "tokenProgram"),
        Text(listing, "track"),
        (int)listing.GetUInt64(Name(listing, "model_fee_bps", "modelFeeBps")),
        Text(listing, "vault_authority", "vaultAuthority"),
        Text(listing, "vault_usdc", "vaultUsdc", "vault_token_account", "vaultTokenAccount"),
        Text(listing, "status"),
        slot);

    private static string Name(QuasarRecord record, params string[] names) =>
        names.FirstOrDefault(n => record.TryGet(n, out _)) ?? throw new FormatException($"A {record.TypeName} has none of the fields {string.Join(", ", names)}.");

    private static string Text(QuasarRecord record, params string[] names) => record[Name(record, names)] switch
    {
        PublicKey key => key.ToString(),
        var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
