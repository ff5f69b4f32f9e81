namespace Bourse.Listings;

/// <summary>Where a listing stands. Only an <see cref="Approved"/> listing is paid: its vault is x402's payTo and it earns its creator fee.</summary>
public enum ListingStatus
{
    /// <summary>Live: calls pay into its vault and carry its creator fee.</summary>
    Approved,

    /// <summary>Held for now: calls pay the treasury and carry no creator fee until it is approved again.</summary>
    Paused,

    /// <summary>Gone from the exchange: calls pay the treasury and carry no creator fee.</summary>
    Delisted,
}
