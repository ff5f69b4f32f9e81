using Bourse.Solana;
using Bourse.Solana.Rpc;

namespace Bourse.Buyback.Venues;

/// <summary>Reads address lookup tables from the chain (addresses start at offset 56, 32 bytes each).</summary>
internal static class LookupTables
{
    private const int HeaderLength = 56;

    public static async Task<(IReadOnlyList<AddressLookupTable>? Tables, VenueError? Error)> ReadAsync(SolanaRpcClient rpc, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        if (addresses.Count == 0)
        {
            return ([], null);
        }

        var accounts = await rpc.GetMultipleAccountsAsync(addresses, cancellationToken: cancellationToken);
        if (!accounts.IsSuccess)
        {
            return (null, new VenueError(VenueErrorKind.Unavailable, "The RPC did not answer for the swap's lookup tables."));
        }

        var tables = new List<AddressLookupTable>();
        for (var i = 0; i < addresses.Count; i++)
        {
            var data = accounts.Value!.Value[i]?.Data;
            if (data is null || data.Length < HeaderLength || (data.Length - HeaderLength) % PublicKey.Length != 0)
            {
                return (null, new VenueError(VenueErrorKind.BadResponse, $"Lookup table {addresses[i]} is missing or malformed."));
            }

            var keys = Enumerable.Range(0, (data.Length - HeaderLength) / PublicKey.Length)
                .Select(k => new PublicKey(data.AsSpan(HeaderLength + (k * PublicKey.Length), PublicKey.Length)))
                .ToList();
            tables.Add(new AddressLookupTable(PublicKey.Parse(addresses[i]), keys));
        }

        return (tables, null);
    }
}
