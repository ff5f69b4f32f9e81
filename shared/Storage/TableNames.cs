namespace Bourse.Storage;

/// <summary>Every table the apps use, named once.</summary>
public static class TableNames
{
    /// <summary>x402 payments by message hash: replay protection and settlement state.</summary>
    public const string X402Payments = "X402Payments";
}
