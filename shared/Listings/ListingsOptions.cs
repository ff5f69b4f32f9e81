using System.ComponentModel.DataAnnotations;

namespace Bourse.Listings;

/// <summary>The listing registry's in-memory snapshot (section <c>Listings</c>).</summary>
public sealed class ListingsOptions
{
    public const string SectionName = "Listings";

    /// <summary>How often the snapshot is reread in the background: a change in the table is seen within this long.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(15);
}
