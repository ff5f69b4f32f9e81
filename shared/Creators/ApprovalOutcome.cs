namespace Bourse.Creators;

public enum ApprovalOutcome
{
    Approved,
    NotFound,
    AlreadyRejected,
    AlreadyApproved,
    ModelListedElsewhere,
    MintNotFound,
    NoMint,
    NoTreasury,
    ChainUnavailable,
}
