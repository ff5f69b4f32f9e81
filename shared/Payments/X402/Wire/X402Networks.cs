namespace Bourse.Payments.X402;

/// <summary>Solana's CAIP-2 ids (v2) and the v1 names x402@1.2.0 knows. The local chain uses devnet's id.</summary>
public static class X402Networks
{
    public const string SolanaMainnet = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
    public const string SolanaDevnet = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
    public const string SolanaTestnet = "solana:4uhcVJyU9pJkvQyS88uRDiswHXSCkY3z";

    /// <summary>The v1 name of a CAIP-2 Solana network; null for anything else.</summary>
    public static string? ToV1Name(string caip2) => caip2 switch
    {
        SolanaMainnet => "solana",
        SolanaDevnet => "solana-devnet",
        SolanaTestnet => "solana-testnet",
        _ => null,
    };
}
