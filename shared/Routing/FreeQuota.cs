using System.Collections.Concurrent;
using Bourse.Catalog;

namespace Bourse.Routing;

/// <summary>
/// Free-tier requests used per offer per UTC day. Counted in memory per instance: with several
/// instances the free tier can be used a little beyond its quota, which the provider then refuses
/// with a 429 and the router fails over.
/// </summary>
public sealed class FreeQuota(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string Offer, DateOnly Day), int> _used = new();

    public bool HasFreeRequest(ProviderOffer offer) =>
        offer.FreeRequestsPerDay is { } quota && _used.GetValueOrDefault((offer.QualifiedId, Today())) < quota;

    /// <summary>Takes one free request; false when the quota is gone (the call is then billed at the offer's prices).</summary>
    public bool TryTake(ProviderOffer offer)
    {
        if (offer.FreeRequestsPerDay is not { } quota)
        {
            return false;
        }

        var key = (offer.QualifiedId, Today());
        while (true)
        {
            var used = _used.GetOrAdd(key, 0);
            if (used >= quota)
            {
                return false;
            }

            if (_used.TryUpdate(key, used + 1, used))
            {
                return true;
            }
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
