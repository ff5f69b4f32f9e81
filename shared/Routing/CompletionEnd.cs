namespace Bourse.Routing;

public enum CompletionEnd
{
    /// <summary>The provider finished the answer.</summary>
    Completed,

    /// <summary>The provider failed after the first byte: the client got an error event; what was produced is billed.</summary>
    FailedMidStream,

    /// <summary>Nothing reached the client (the answer could not be relayed): nothing is billed.</summary>
    NotServed,

    /// <summary>The client went away: the upstream call was cancelled; what was produced is billed.</summary>
    ClientDisconnected,
}
