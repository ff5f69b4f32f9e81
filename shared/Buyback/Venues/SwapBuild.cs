namespace Bourse.Buyback.Venues;

/// <summary>A fully signed swap transaction, ready to record and send; <see cref="BurnedInSwap"/> is what it burns itself.</summary>
public sealed record SwapBuild(byte[] Transaction, string Signature, ulong LastValidBlockHeight, long BurnedInSwap);
