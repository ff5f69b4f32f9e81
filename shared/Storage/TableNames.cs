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
}
