using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Creators;

/// <summary>Creator applications and their approval into listings (section <c>Creators</c>).</summary>
[AppScope("functions")]
public sealed class CreatorOptions
{
    public const string SectionName = "Creators";

    /// <summary>The lowest creator fee an application may ask for (basis points of each call).</summary>
    [Range(0, 10_000)]
    public int MinModelFeeBps { get; init; } = 50;

    /// <summary>The highest creator fee an application may ask for.</summary>
    [Range(0, 10_000)]
    public int MaxModelFeeBps { get; init; } = 1_000;

    /// <summary>Applications accepted per client address per hour.</summary>
    [Range(1, 10_000)]
    public int ApplicationsPerHour { get; init; } = 5;

    /// <summary>
    /// The listing program (Quasar <c>quasar-ai-compute-market</c>): a listing's vault authority is its PDA
    /// <c>["vault_authority", listing]</c> with listing = <c>["listing", mint]</c>, so approved vaults are the
    /// program's, as listings proposed on chain are.
    /// </summary>
    [RegularExpression("^[1-9A-HJ-NP-Za-km-z]{32,44}$")]
    public string ProgramId { get; init; } = "FAKZeAsRzau1uJrrzf4hMrKRuoPXs7ip1u8exgNd6Zkv";

    /// <summary>
    /// Whether approving a Track A application without a mint mints its Token-2022 model token here (paid by
    /// the treasury, which is its mint and fee authority). On for the local chain; elsewhere the creator
    /// brings the mint.
    /// </summary>
    public bool MintTrackATokens { get; init; }

    /// <summary>The transfer fee of a Track A token minted here (the seed's 1%).</summary>
    [Range(0, 10_000)]
    public int TrackATransferFeeBps { get; init; } = 100;

    /// <summary>The cap of that transfer fee per transfer, in the token's smallest unit.</summary>
    [Range(0, long.MaxValue)]
    public long TrackAMaximumFee { get; init; } = 1_000_000_000_000;

    [Range(0, 9)]
    public int TrackADecimals { get; init; } = 6;
}
