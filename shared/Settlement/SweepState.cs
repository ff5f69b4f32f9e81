namespace Bourse.Settlement;

/// <summary>Where a sweep stands. Planned and Sent are open: the next run checks the chain before acting again.</summary>
public enum SweepState
{
    /// <summary>Signed and recorded with its signature, not known to have reached a node.</summary>
    Planned,

    /// <summary>Handed to a node; landing or landed.</summary>
    Sent,

    /// <summary>Landed: the vault has the amount.</summary>
    Confirmed,

    /// <summary>It did nothing on chain (failed, rejected, or expired unseen); the amount is payable again.</summary>
    Abandoned,
}
