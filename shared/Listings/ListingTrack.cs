namespace Bourse.Listings;

/// <summary>How a model's token came to be listed.</summary>
public enum ListingTrack
{
    /// <summary>Track A: a Bourse-native Token-2022 mint, usually with the transfer-fee extension.</summary>
    A,

    /// <summary>Track B: an external SPL mint (e.g. a pump.fun token) listed as it is.</summary>
    B,
}
