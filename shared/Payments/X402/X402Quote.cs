namespace Bourse.Payments.X402;

/// <summary>
/// What a call costs, as the caller prices it: the model asked for (null for a body without one) and
/// the price in USDC atomic units (null when the caller cannot price it: an unknown model or <c>{}</c>).
/// </summary>
/// <param name="Resource">The absolute URL of the paid endpoint (<see cref="X402Rail.ResourceUrl"/>).</param>
/// <param name="PayTo">Who is paid: the model's vault authority when it has a paid listing; null for the treasury.</param>
public sealed record X402Quote(Uri Resource, string? ModelId, long? Amount, string? PayTo = null);
