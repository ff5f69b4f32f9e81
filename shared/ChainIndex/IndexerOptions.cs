using System.ComponentModel.DataAnnotations;

namespace Bourse.ChainIndex;

/// <summary>The indexer (section <c>Indexer</c>). Its schedule is the <c>INDEXER_SCHEDULE</c> app setting.</summary>
public sealed class IndexerOptions
{
    public const string SectionName = "Indexer";

    /// <summary>The Quasar program's address; empty: the IDL's <c>address</c>.</summary>
    public string? ProgramId { get; init; }

    /// <summary>A <c>quasar-idl/1.0.0</c> file to read instead of the bundled one (e.g. the program's published IDL).</summary>
    public string? IdlPath { get; init; }

    /// <summary>Transactions one cycle reads per watched address at most; the rest wait for the next cycle.</summary>
    [Range(1, 100_000)]
    public int MaxTransactionsPerAddress { get; init; } = 1000;

    /// <summary>Transactions per step of history: their facts are written, then the checkpoint moves past them.</summary>
    [Range(1, 1000)]
    public int HistoryChunk { get; init; } = 100;

    /// <summary>How far back a first cycle reads an address's history.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Backfill { get; init; } = TimeSpan.FromDays(30);

    /// <summary>getTransaction calls in flight at once.</summary>
    [Range(1, 64)]
    public int RpcParallelism { get; init; } = 4;

    /// <summary>Table batches in flight at once.</summary>
    [Range(1, 64)]
    public int WriteParallelism { get; init; } = 8;
}
