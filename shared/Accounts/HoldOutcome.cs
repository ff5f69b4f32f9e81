namespace Bourse.Accounts;

public enum HoldOutcome
{
    Placed,

    /// <summary>The same hold id and request are pending already (a retry while the first call runs).</summary>
    InProgress,

    /// <summary>The same hold id and request completed already: it must not be charged again.</summary>
    AlreadyPosted,

    /// <summary>The hold id (an Idempotency-Key) was used for a different request.</summary>
    KeyReusedWithDifferentRequest,

    InsufficientCredits,

    /// <summary>The key's spend cap (its pending and posted charges) would be exceeded.</summary>
    SpendCapReached,
}
