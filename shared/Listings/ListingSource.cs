namespace Bourse.Listings;

/// <summary>Who wrote a listing's row last.</summary>
public enum ListingSource
{
    /// <summary>The indexer, from the program's listing account.</summary>
    Chain,

    /// <summary>An operator's approval (the admin API).</summary>
    Admin,
}
