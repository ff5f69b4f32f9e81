namespace Bourse.Storage;

/// <summary>Every table the apps use, named once.</summary>
public static class TableNames
{
    /// <summary>x402 payments by message hash: replay protection and settlement state.</summary>
    public const string X402Payments = "X402Payments";

    /// <summary>API keys by hash (for authentication) and by account (for their owners).</summary>
    public const string ApiKeys = "ApiKeys";

    /// <summary>Prepaid credit accounts: balance, deposits and holds, one partition per account.</summary>
    public const string CreditAccounts = "CreditAccounts";

    /// <summary>The settlement ledger: one row per usage event, partitioned by UTC day and model.</summary>
    public const string Settlements = "Settlements";

    /// <summary>What the treasury and each model's revenue vault owe each other, and the sweeps that pay it, one partition per model.</summary>
    public const string VaultPayables = "VaultPayables";

    /// <summary>Buyback jobs (a persisted state machine each, with signatures and amounts) and each vault's buyback totals, one partition per model.</summary>
    public const string Buybacks = "Buybacks";

    /// <summary>Token-2022 transfer-fee harvests: accounts harvested, amounts withdrawn to the treasury, signatures; one partition per mint.</summary>
    public const string FeeHarvests = "FeeHarvests";

    /// <summary>What falls due when (expiring holds and leases), bucketed by minute, so timers read only the minutes that passed.</summary>
    public const string DueIndex = "DueIndex";

    /// <summary>The listing registry: one row per listed model (token, vault, creator fee, status), written by the indexer and admin approval.</summary>
    public const string Listings = "Listings";

    /// <summary>The Quasar program's accounts decoded by the IDL: partition the account type, row key the address.</summary>
    public const string ProgramAccounts = "ProgramAccounts";

    /// <summary>Listed models' token mints: supply, decimals, Token-2022 transfer fee and withheld amounts.</summary>
    public const string ModelMints = "ModelMints";

    /// <summary>Listed models' USDC revenue vaults: balance.</summary>
    public const string ModelVaults = "ModelVaults";

    /// <summary>On-chain history per model mint: revenue into vaults, buybacks, burns, mints, program events; keyed by signature and instruction index.</summary>
    public const string ChainHistory = "ChainHistory";

    /// <summary>The indexer's checkpoints (per watched address) and its run lease.</summary>
    public const string IndexerState = "IndexerState";

    /// <summary>Sign-In-With-Solana: single-use challenge nonces and wallet sessions (by token hash).</summary>
    public const string SignIns = "SignIns";

    /// <summary>Solana Pay deposits: one partition per account (requests and the payments credited to them), the open ones and the signatures claimed.</summary>
    public const string Deposits = "Deposits";

    /// <summary>Creator applications for a listing, and the per-address rate-limit windows.</summary>
    public const string CreatorApplications = "CreatorApplications";

    /// <summary>The x402 live demo's calls per UTC day (its daily cap, across instances).</summary>
    public const string X402Demo = "X402Demo";
}
