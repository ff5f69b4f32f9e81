namespace Bourse.Payments.X402;

/// <summary>Why a facilitator call gave no answer.</summary>
public enum FacilitatorError
{
    None,

    /// <summary>Still 429 after the retries (or a Retry-After too long to wait): the call did not execute.</summary>
    RateLimited,

    /// <summary>No answer in time. For <c>/settle</c> the outcome is unknown: reconcile, never repeat.</summary>
    Timeout,

    /// <summary>Network failure or 5xx. For <c>/settle</c> the outcome is unknown: reconcile, never repeat.</summary>
    Unavailable,

    /// <summary>401/403: the PayAI key is missing, wrong or over its quota.</summary>
    Unauthorized,

    /// <summary>An answer that is not the expected JSON.</summary>
    BadResponse,
}
