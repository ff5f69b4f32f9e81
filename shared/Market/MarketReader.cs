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
public sealed class MarketReader(ListingRegistry listings, ModelCatalog catalog, ChainTables chain, MarketVolumes volumes, TimeProvider time) : IDisposable
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
                var history = await HistoryAsync(l.Mint, cancellationToken);
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
            return new MarketDetail(now, modelId, false, null, Preview(model!, days, last24h), days, [], [], []);
        }

        var state = await ChainStateAsync(cancellationToken);
        var history = await HistoryAsync(listing.Mint, cancellationToken);
        var card = Card(listing, state, history, days, last24h);
        return new MarketDetail(
            now, modelId, listing.Status != ListingStatus.Delisted, card, model is null ? null : Preview(model, days, last24h), days,
            [.. Newest(history, ChainFactKind.Buyback).Take(HistoryLimit).Select(Event)],
            [.. Newest(history, ChainFactKind.Burn).Take(HistoryLimit).Select(Event)],
            card.Supply is { } supply ? SupplyByDay(supply, history, days.Select(d => d.Day), now) : []);
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
            Newest(history, ChainFactKind.Buyback).Select(Event).FirstOrDefault());
    }

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
