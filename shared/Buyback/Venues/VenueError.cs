namespace Bourse.Buyback.Venues;

/// <summary>Why a venue could not quote or build; <see cref="IsTransient"/> errors are retried later.</summary>
public sealed record VenueError(VenueErrorKind Kind, string Message, TimeSpan? RetryAfter = null)
{
    public bool IsTransient => Kind is VenueErrorKind.RateLimited or VenueErrorKind.Unavailable or VenueErrorKind.QuoteMoved;

    public override string ToString() => $"{Kind}: {Message}";
}
