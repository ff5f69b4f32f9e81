namespace Bourse.ChainIndex;

/// <summary>What one indexer cycle did. <see cref="Writes"/> counts every row written or deleted; an unchanged chain gives 0.</summary>
public sealed class IndexerCycleReport
{
    private int _accountsRead;
    private int _accountsDecoded;
    private int _accountsRefused;
    private int _accountRows;
    private int _accountsWritten;
    private int _tokenRows;
    private int _facts;
    private int _checkpoints;
    private int _transactions;

    public int AccountsRead => _accountsRead;

    /// <summary>Accounts decoded by the IDL this cycle (unchanged non-listing accounts are not decoded again).</summary>
    public int AccountsDecoded => _accountsDecoded;

    /// <summary>Accounts whose data did not decode as the type their discriminator names (wrong length, bad field).</summary>
    public int AccountsRefused => _accountsRefused;

    /// <summary>ProgramAccounts rows (shards of accounts) written or deleted.</summary>
    public int AccountRows => _accountRows;

    /// <summary>Accounts in the ProgramAccounts shards written this cycle (an unchanged shard is not written).</summary>
    public int AccountsWritten => _accountsWritten;

    /// <summary>ModelMints and ModelVaults rows written.</summary>
    public int TokenRows => _tokenRows;

    /// <summary>ChainHistory rows written.</summary>
    public int Facts => _facts;

    /// <summary>Checkpoints advanced.</summary>
    public int Checkpoints => _checkpoints;

    /// <summary>Transactions read with getTransaction.</summary>
    public int Transactions => _transactions;

    /// <summary>Listings written to the Listings registry.</summary>
    public int ListingRows { get; set; }

    public int Writes => AccountRows + TokenRows + Facts + Checkpoints + ListingRows + (GenerationBumped ? 1 : 0);

    public bool GenerationBumped { get; set; }

    /// <summary>Sources that failed this cycle (e.g. <c>accounts:Order</c>, <c>tokens</c>, <c>history:&lt;address&gt;</c>) and why.</summary>
    public List<string> Failures { get; } = [];

    public IReadOnlyList<ChainListing> Listings { get; set; } = [];

    /// <summary>Wall time per stage: accounts (of which fetch, read hashes, hash, decode+write), listings, tokens, history.</summary>
    public Dictionary<string, TimeSpan> Timings { get; } = [];

    internal void AddTime(string stage, TimeSpan time)
    {
        lock (Timings)
        {
            Timings[stage] = Timings.GetValueOrDefault(stage) + time;
        }
    }

    internal void Read(int n) => Interlocked.Add(ref _accountsRead, n);

    internal void Decoded(int n) => Interlocked.Add(ref _accountsDecoded, n);

    internal void Refused() => Interlocked.Increment(ref _accountsRefused);

    internal void WroteAccounts(int n) => Interlocked.Add(ref _accountsWritten, n);

    internal void WroteAccountRows(int n) => Interlocked.Add(ref _accountRows, n);

    internal void WroteTokens(int n) => Interlocked.Add(ref _tokenRows, n);

    internal void WroteFacts(int n) => Interlocked.Add(ref _facts, n);

    internal void AdvancedCheckpoint() => Interlocked.Increment(ref _checkpoints);

    internal void ReadTransaction() => Interlocked.Increment(ref _transactions);

    internal void Fail(string source, string reason)
    {
        lock (Failures)
        {
            Failures.Add($"{source}: {reason}");
        }
    }

    public override string ToString() =>
        $"accounts read {AccountsRead}, decoded {AccountsDecoded}, refused {AccountsRefused}, written {AccountsWritten}; writes {Writes} (account shards {AccountRows}, tokens {TokenRows}, facts {Facts}, checkpoints {Checkpoints}, listings {ListingRows}); transactions {Transactions}; failures {Failures.Count}";
}
