using Bourse.Accounts;
using Microsoft.AspNetCore.Http;

namespace Bourse.Functions.Http;

/// <summary>Errors of the account, deposit and listing routes: RFC 9457 problem details, one place.</summary>
internal static class Problems
{
    public static IResult BadRequest(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static IResult Unauthorized(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in.");

    /// <summary>Why an owner route has no owner: 429 for a key past its per-minute limit, 401 (saying <paramref name="detail"/>) otherwise.</summary>
    public static IResult NoOwner(OwnerAuthentication auth, string detail) => auth.Outcome == KeyAuthenticationOutcome.RateLimited
        ? TooManyRequests("This API key's requests-per-minute limit is reached.", auth.RetryAfter ?? TimeSpan.FromSeconds(1))
        : Unauthorized(detail);

    public static IResult Forbidden(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.");

    public static IResult NotFound(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    public static IResult Conflict(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.");

    public static IResult TooManyRequests(string detail, TimeSpan retryAfter) => new RetryAfterResult(
        Results.Problem(detail: detail, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests."), retryAfter);

    public static IResult Unavailable(string detail) => Results.Problem(detail: detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again later.");

    private sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
