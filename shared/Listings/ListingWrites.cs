namespace Bourse.Listings;

/// <summary>What an upsert did: rows inserted, rows updated, listings already stored as given, listings older than the stored row (skipped).</summary>
public sealed record ListingWrites(int Inserted, int Updated, int Unchanged, int Stale)
{
    public static readonly ListingWrites None = new(0, 0, 0, 0);

    /// <summary>Rows written to storage.</summary>
    public int Written => Inserted + Updated;

    public ListingWrites Add(ListingWrites other) =>
        new(Inserted + other.Inserted, Updated + other.Updated, Unchanged + other.Unchanged, Stale + other.Stale);
}
