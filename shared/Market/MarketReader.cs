using Bourse.Buyback;
using Bourse.Catalog;
using Bourse.ChainIndex;
using Bourse.Listings;

namespace Bourse.Market;

/// <summary>
/// The market API's figures: listings from the registry's snapshot, token and vault state from the indexer's
/// tables (<see cref="ChainTables"/>: mints, vaults, history), inference volume from the settlement ledger
/// (<see cref="MarketVolumes"/>). The overview is computed at most once per <see cref="OverviewTtl"/> and shared
/// by every request in between.
/// </summary>
public sealed class MarketReader(ListingRegistry listings, ModelCatalog catalog, ChainTables chain, MarketVolumes volumes, BuybackJobs crank, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan OverviewTtl = TimeSpan.FromSeconds(10);
    public const int HistoryLimit = 100;

    private readonly SemaphoreSlim _computing = new(1, 1);
    private MarketOverview? _overview;
    private volatile bool _created;

    public void Dispose() => _computing.Dispose();

    public async Task<MarketOverview> OverviewAsync(CancellationToken cancellationToken)
    {
        if (Fresh(_overview) is { } fresh)
        {
            return fresh;
        }

        await _computing.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(_overview) is { } computed)
            {
                return computed;
            }

            var snapshot = await listings.CurrentAsync(cancellationToken);
            var state = await ChainStateAsync(cancellationToken);
            var cards = await Task.WhenAll(snapshot.All.OrderBy(l => l.ModelId, StringComparer.Ordinal).Select(async l =>
            {
                var (days, last24h) = await volumes.ReadAsync(l.ModelId, cancellationToken);
                var history = await WithCrankAsync(l.ModelId, await HistoryAsync(l.Mint, cancellationToken), cancellationToken);
                return Card(l, state, history, days, last24h);
            }));
            var previews = await Task.WhenAll(catalog.Models
                .Where(m => snapshot.Find(m.Id) is null or { Status: ListingStatus.Delisted })
                .OrderBy(m => m.Id, StringComparer.Ordinal)
                .Select(async m =>
                {
                    var (days, last24h) = await volumes.ReadAsync(m.Id, cancellationToken);
                    return Preview(m, days, last24h);
                }));
            _overview = new MarketOverview(time.GetUtcNow(), cards, previews);
            return _overview;
        }
        finally
        {
            _computing.Release();
        }
    }

    /// <summary>A model's page; null when neither the registry nor the catalog knows it.</summary>
    public async Task<MarketDetail?> DetailAsync(string modelId, CancellationToken cancellationToken)
    {
        var listing = (await listings.CurrentAsync(cancellationToken)).Find(modelId);
        var model = catalog.Find(modelId);
        if (listing is null && model is null)
        {
            return null;
        }

        var (days, last24h) = await volumes.ReadAsync(modelId, cancellationToken);
        var now = time.GetUtcNow();
        if (listing is null)
        {
            return new MarketDetail(now, modelId, false, null, Preview(model!, days, last24h), days, [], [], [], []);
        }

        var state = await ChainStateAsync(cancellationToken);
        var history = await WithCrankAsync(modelId, await HistoryAsync(listing.Mint, cancellationToken), cancellationToken);
        var card = Card(listing, state, history, days, last24h);
        return new MarketDetail(
            now, modelId, listing.Status != ListingStatus.Delisted, card, model is null ? null : Preview(model, days, last24h), days,
            [.. Newest(history, ChainFactKind.Buyback).Take(HistoryLimit).Select(Event)],
            [.. Newest(history, ChainFactKind.Burn).Take(HistoryLimit).Select(Event)],
            card.Supply is { } supply ? SupplyByDay(supply, history, days.Select(d => d.Day), now) : [],
            [.. Newest(history, ChainFactKind.Collection).Take(HistoryLimit).Select(Event)]);
    }

    /// <summary>End-of-day supply: today's supply, less what was minted after the day ended, plus what was burned after it.</summary>
    public static IReadOnlyList<MarketSupplyPoint> SupplyByDay(long current, IReadOnlyList<ChainFact> history, IEnumerable<DateOnly> days, DateTimeOffset now) =>
        [.. days.Select(day =>
        {
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var after = history.Where(f => (f.BlockTime ?? now) >= end).ToList();
            return new MarketSupplyPoint(day, current
                - after.Where(f => f.Kind == ChainFactKind.Mint).Sum(f => f.Amount)
                + after.Where(f => f.Kind == ChainFactKind.Burn).Sum(f => f.Amount));
        })];

    private static MarketCard Card(Listing l, ChainState state, IReadOnlyList<ChainFact> history, IReadOnlyList<MarketDay> days, MarketVolume last24h)
    {
        var mint = state.Mints.GetValueOrDefault(l.Mint);
        var vault = state.Vaults.GetValueOrDefault(l.VaultUsdcAccount);
        return new MarketCard(
            l.ModelId, l.Status.ToString().ToLowerInvariant(), l.Track.ToString(), l.Mint, l.TokenProgram, l.ModelFeeBps, l.VaultUsdcAccount, l.VaultAuthority,
            mint?.Decimals, mint?.TransferFeeBasisPoints, mint?.Supply,
            history.Where(f => f.Kind == ChainFactKind.Burn).Sum(f => f.Amount),
            vault?.Amount,
            Math.Max(mint?.Slot ?? 0, vault?.Slot ?? 0) is > 0 and var slot ? slot : null,
            last24h, MarketVolumes.Total(days),
            Newest(history, ChainFactKind.Buyback).Select(Event).FirstOrDefault(),
            mint?.TransferFeeBasisPoints is null ? null : mint.WithheldInMint + mint.WithheldInAccounts);
    }

    /// <summary>
    /// The indexer's history merged with the crank's own record of its jobs (table <c>Buybacks</c>): see <see cref="Merge"/>.
    /// </summary>
    private async Task<IReadOnlyList<ChainFact>> WithCrankAsync(string modelId, IReadOnlyList<ChainFact> history, CancellationToken cancellationToken) =>
        Merge(history, await crank.JobsAsync(modelId, cancellationToken));

    /// <summary>
    /// The indexer's history plus the crank's record of its buybacks and burns for the transactions the indexer has
    /// not seen (yet, or at all: a crank-held vault's swap is not a program buyback); a transaction both know is shown
    /// once, as the indexer saw it. A vault outflow that is a job's collection step (the treasury's share moved out)
    /// is relabelled <see cref="ChainFactKind.Collection"/>: a buyback is the swap (and its burn), not the collection.
    /// </summary>
    public static IReadOnlyList<ChainFact> Merge(IReadOnlyList<ChainFact> history, IEnumerable<BuybackJob> jobs)
    {
        var all = jobs.ToList();
        var collections = all.Where(j => j.CollectSignature is not null).Select(j => j.CollectSignature!).ToHashSet(StringComparer.Ordinal);
        var merged = history
            .Select(f => f.Kind == ChainFactKind.Buyback && collections.Contains(f.Signature) ? f with { Kind = ChainFactKind.Collection } : f)
            .ToList();
        var known = merged.Where(f => f.Kind is ChainFactKind.Buyback or ChainFactKind.Burn).Select(f => (f.Kind, f.Signature)).ToHashSet();
        foreach (var job in all)
        {
            if (job.State is not (BuybackState.SwapConfirmed or BuybackState.BurnSent or BuybackState.Done) || job.SwapSignature is null)
            {
                continue;
            }

            if (known.Add((ChainFactKind.Buyback, job.SwapSignature)))
            {
                merged.Add(Crank(job, ChainFactKind.Buyback, job.SwapSignature, (long)job.SwapSlot, job.AmountIn));
            }

            if (job.BurnedInSwap > 0 && known.Add((ChainFactKind.Burn, job.SwapSignature)))
            {
                merged.Add(Crank(job, ChainFactKind.Burn, job.SwapSignature, (long)job.SwapSlot, job.BurnedInSwap));
            }

            if (job is { State: BuybackState.Done, BurnSignature: { } burn } && known.Add((ChainFactKind.Burn, burn)))
            {
                merged.Add(Crank(job, ChainFactKind.Burn, burn, (long)job.BurnSlot, job.Burned - job.BurnedInSwap));
            }
        }

        return merged;
    }

    private static ChainFact Crank(BuybackJob job, ChainFactKind kind, string signature, long slot, long amount) =>
        new(job.Mint, signature, "crank", kind, job.Model, amount, job.VaultUsdcAccount, null, null, null, slot, job.UpdatedAt);

    private static MarketPreview Preview(ModelListing m, IReadOnlyList<MarketDay> days, MarketVolume last24h)
    {
        var offers = m.Offers;
        return new MarketPreview(
            m.Id, m.OwnedBy, m.ContextLength,
            offers.Count == 0 ? null : offers.Min(o => o.InputPricePerMillion),
            offers.Count == 0 ? null : offers.Min(o => o.OutputPricePerMillion),
            last24h, MarketVolumes.Total(days));
    }

    private static IEnumerable<ChainFact> Newest(IReadOnlyList<ChainFact> history, ChainFactKind kind) =>
        history.Where(f => f.Kind == kind).OrderByDescending(f => f.Slot).ThenByDescending(f => f.Index, StringComparer.Ordinal);

    private static MarketChainEvent Event(ChainFact f) => new(f.Signature, f.Index, f.Slot, f.BlockTime, f.Amount);

    private MarketOverview? Fresh(MarketOverview? overview) =>
        overview is not null && time.GetUtcNow() - overview.AsOf < OverviewTtl ? overview : null;

    private async Task<ChainState> ChainStateAsync(CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var mints = await chain.MintsAsync(cancellationToken);
        var vaults = await chain.VaultsAsync(cancellationToken);
        return new ChainState(
            mints.GroupBy(m => m.Mint, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
            vaults.GroupBy(v => v.VaultUsdcAccount, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal));
    }

    private async Task<IReadOnlyList<ChainFact>> HistoryAsync(string mint, CancellationToken cancellationToken)
    {
        await EnsureTablesAsync(cancellationToken);
        var facts = new List<ChainFact>();
        await foreach (var fact in chain.HistoryAsync(mint, since: null, cancellationToken))
        {
            if (fact.Kind is ChainFactKind.Burn or ChainFactKind.Buyback or ChainFactKind.Mint)
            {
                facts.Add(fact);
            }
        }

        return facts;
    }

    private async Task EnsureTablesAsync(CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await chain.CreateAsync(cancellationToken);
            _created = true;
        }
    }

    private sealed record ChainState(Dictionary<string, MintState> Mints, Dictionary<string, VaultState> Vaults);
}
