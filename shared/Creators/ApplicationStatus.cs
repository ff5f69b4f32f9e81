namespace Bourse.Creators;

/// <summary>Where a creator application stands. <see cref="Approving"/>: on-chain steps under way (a retry finishes them).</summary>
public enum ApplicationStatus
{
    Pending,
    Approving,
    Approved,
    Rejected,
}
