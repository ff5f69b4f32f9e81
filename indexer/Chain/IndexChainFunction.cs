using Bourse.ChainIndex;
using Microsoft.Azure.Functions.Worker;

namespace Bourse.Indexer.Chain;

/// <summary>One indexer cycle: program accounts, listings' mints and vaults, and their history, into tables.</summary>
public sealed class IndexChainFunction(ChainIndexer indexer)
{
    [Function("IndexChain")]
    public Task Run([TimerTrigger("%INDEXER_SCHEDULE%")] TimerInfo timer, CancellationToken cancellationToken) =>
        indexer.RunCycleAsync(cancellationToken);
}
