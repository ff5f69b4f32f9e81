namespace Bourse.Payments.X402;

/// <summary>A facilitator answer, or why there is none. <see cref="StatusCode"/> is the last HTTP status seen (0: none).</summary>
public sealed record FacilitatorResult<T>(T? Value, FacilitatorError Error, int StatusCode, string? Detail = null)
    where T : class
{
    public bool IsSuccess => Value is not null;

    /// <summary>For <c>/settle</c>: the request may have executed, so only the chain can tell.</summary>
    public bool IsAmbiguous => Error is FacilitatorError.Timeout or FacilitatorError.Unavailable;
}
