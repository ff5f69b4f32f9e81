using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Bourse.Quasar;
using Bourse.Solana.Rpc;
using Bourse.Solana.Rpc.Models;
using Microsoft.Extensions.Logging;

namespace Bourse.ChainIndex;

/// <summary>
/// History, incrementally, per watched address (the program, each vault, each mint): <c>getSignaturesForAddress</c>
/// back to the address's checkpoint (<c>until</c>, paging with <c>before</c>; a first cycle goes back
/// <see cref="IndexerOptions.Backfill"/>), then, oldest first and a chunk at a time, <c>getTransaction</c> and the
/// chunk's facts written to <c>ChainHistory</c> before the checkpoint moves past it. Facts are keyed by signature
/// and instruction index, so a chunk read twice (a failure before its checkpoint, or two overlapping runs) writes the
/// same rows again, never new ones; the checkpoint moves with its ETag, so of two overlapping runs one stops.
/// </summary>
public sealed partial class HistorySource(SolanaRpcClient rpc, ChainTables tables, TimeProvider time, ILogger<HistorySource> logger)
{
    public const string CheckpointPartition = "checkpoint";
    private const int PageSize = 1000;

    public async Task RunAsync(IReadOnlyList<WatchedAddress> watched, QuasarIdl idl, IReadOnlyDictionary<string, ChainListing> listingsByAddress, IndexerOptions options, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var fetched = new ConcurrentDictionary<string, TransactionDetails>(StringComparer.Ordinal);
        foreach (var watch in watched)
        {
            var source = $"history:{watch.Kind}:{watch.Address}";
            try
            {
                await IndexAddressAsync(watch, idl, listingsByAddress, options, report, fetched, cancellationToken);
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException or RpcFailureException)
            {
                report.Fail(source, e.Message);
                Log.Failed(logger, source, e.Message);
            }
        }
    }

    private async Task IndexAddressAsync(
        WatchedAddress watch, QuasarIdl idl, IReadOnlyDictionary<string, ChainListing> listings, IndexerOptions options, IndexerCycleReport report,
        ConcurrentDictionary<string, TransactionDetails> fetched, CancellationToken cancellationToken)
    {
        var checkpoint = await tables.State.GetEntityIfExistsAsync<TableEntity>(CheckpointPartition, watch.Address, cancellationToken: cancellationToken);
        var until = checkpoint.HasValue ? checkpoint.Value!.GetString("Signature") : null;
        ETag? etag = checkpoint.HasValue ? checkpoint.Value!.ETag : null;
        var pending = await SignaturesSinceAsync(watch.Address, until, options, cancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

        // Oldest first; a backlog beyond the cap waits for the next cycle (the checkpoint keeps the place).
        pending.Reverse();
        if (pending.Count > options.MaxTransactionsPerAddress)
        {
            pending = pending.GetRange(0, options.MaxTransactionsPerAddress);
        }

        foreach (var chunk in pending.Chunk(options.HistoryChunk))
        {
            var facts = new List<ChainFact>();
            var landed = chunk.Where(s => !IsError(s.Err)).ToList();
            var transactions = new ConcurrentDictionary<string, TransactionDetails>(StringComparer.Ordinal);
            await Parallel.ForEachAsync(landed, new ParallelOptions { MaxDegreeOfParallelism = options.RpcParallelism, CancellationToken = cancellationToken }, async (s, ct) =>
            {
                transactions[s.Signature] = fetched.TryGetValue(s.Signature, out var known) ? known : await FetchAsync(s.Signature, fetched, report, ct);
            });
            foreach (var s in landed)
            {
                facts.AddRange(TransactionFacts.Extract(transactions[s.Signature], s.Signature, watch, idl, listings));
            }

            var rows = facts.DistinctBy(f => (f.Mint, f.RowKey)).Select(ChainTables.ToEntity).ToList();
            report.WroteFacts(await TableBatches.UpsertAsync(tables.History, rows, options.WriteParallelism, cancellationToken));

            var newest = chunk[^1];
            var row = new TableEntity(CheckpointPartition, watch.Address)
            {
                ["Signature"] = newest.Signature,
                ["Slot"] = (long)newest.Slot,
                ["Kind"] = watch.Kind.ToString(),
                ["UpdatedAt"] = time.GetUtcNow(),
            };
            try
            {
                var response = etag is { } current
                    ? await tables.State.UpdateEntityAsync(row, current, TableUpdateMode.Replace, cancellationToken)
                    : await tables.State.AddEntityAsync(row, cancellationToken);
                etag = response.Headers.ETag;
                report.AdvancedCheckpoint();
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another run moved this checkpoint first: it is reading this address; leave it to that run.
                Log.Overtaken(logger, watch.Address);
                return;
            }
        }
    }

    /// <summary>Signatures newer than <paramref name="until"/>, newest first (a first read stops at the backfill horizon).</summary>
    private async Task<List<SignatureInfo>> SignaturesSinceAsync(string address, string? until, IndexerOptions options, CancellationToken cancellationToken)
    {
        var horizon = time.GetUtcNow() - options.Backfill;
        var all = new List<SignatureInfo>();
        string? before = null;
        while (true)
        {
            var page = await rpc.GetSignaturesForAddressAsync(address, PageSize, before, until, cancellationToken);
            if (!page.IsSuccess)
            {
                throw new RpcFailureException($"getSignaturesForAddress: {page.Error.Kind} {page.Error.Message}");
            }

            var signatures = page.Value ?? [];
            foreach (var s in signatures)
            {
                if (until is null && s.BlockTime is { } t && DateTimeOffset.FromUnixTimeSeconds(t) < horizon)
                {
                    return all;
                }

                all.Add(s);
            }

            if (signatures.Length < PageSize)
            {
                return all;
            }

            before = signatures[^1].Signature;
        }
    }

    private async Task<TransactionDetails> FetchAsync(string signature, ConcurrentDictionary<string, TransactionDetails> fetched, IndexerCycleReport report, CancellationToken cancellationToken)
    {
        var answer = await rpc.GetTransactionAsync(signature, cancellationToken: cancellationToken);
        if (!answer.IsSuccess)
        {
            throw new RpcFailureException($"getTransaction {signature}: {answer.Error.Kind} {answer.Error.Message}");
        }

        var transaction = answer.Value ?? throw new RpcFailureException($"getTransaction {signature}: the node does not have it yet.");
        report.ReadTransaction();
        fetched[signature] = transaction;
        return transaction;
    }

    private static bool IsError(System.Text.Json.JsonElement? err) => err is { ValueKind: not System.Text.Json.JsonValueKind.Null and not System.Text.Json.JsonValueKind.Undefined };

    private static partial class Log
    {
        [LoggerMessage(6020, LogLevel.Warning, "Indexer: {Source} failed (resumes from its checkpoint next cycle): {Reason}")]
        public static partial void Failed(ILogger logger, string source, string reason);

        [LoggerMessage(6021, LogLevel.Information, "Indexer: another run advanced the checkpoint of {Address} first; leaving it to that run")]
        public static partial void Overtaken(ILogger logger, string address);
    }
}
