namespace Bourse.Buyback;

/// <summary>The <c>buyback</c> queue's message: which job to run (or resume).</summary>
public sealed record BuybackMessage(string Model, string JobId);
