namespace Bourse.Buyback.Venues;

public enum VenueErrorKind
{
    /// <summary>No route or pool for the pair at this size: the job fails.</summary>
    NoRoute,

    /// <summary>The venue is rate limiting: retry after a while.</summary>
    RateLimited,

    /// <summary>The venue simulated the swap and it failed: the job fails with the venue's reason.</summary>
    SimulationFailed,

    /// <summary>The venue or the chain did not answer: retry after a while.</summary>
    Unavailable,

    /// <summary>The price moved past the quote's minimum out before the swap was built: quote again.</summary>
    QuoteMoved,

    /// <summary>The venue answered in a shape it does not document: the job fails.</summary>
    BadResponse,
}
