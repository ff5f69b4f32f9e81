namespace Bourse.Payments.X402;

/// <summary>A header's value, or why it could not be read (<see cref="Reason"/> is safe to return to the client).</summary>
internal sealed record Decoded<T>(T? Value, HeaderDecodeError Error = HeaderDecodeError.None, string? Reason = null)
    where T : class
{
    public bool IsSuccess => Error == HeaderDecodeError.None;
}
