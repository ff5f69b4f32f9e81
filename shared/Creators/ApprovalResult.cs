using Bourse.Listings;

namespace Bourse.Creators;

public sealed record ApprovalResult(ApprovalOutcome Outcome, CreatorApplication? Application = null, Listing? Listing = null, string? Detail = null);
