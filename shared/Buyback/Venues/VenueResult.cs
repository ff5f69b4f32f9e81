namespace Bourse.Buyback.Venues;

/// <summary>A venue's value or its expected failure.</summary>
public readonly record struct VenueResult<T>(T? Value, VenueError? Error)
    where T : class
{
    public bool IsSuccess => Error is null && Value is not null;

    public static implicit operator VenueResult<T>(T value) => new(value, null);

    public static implicit operator VenueResult<T>(VenueError error) => new(null, error);
}
