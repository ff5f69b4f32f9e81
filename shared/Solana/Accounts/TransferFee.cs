namespace Bourse.Solana.Accounts;

/// <summary>A transfer fee that applies from <see cref="Epoch"/> on.</summary>
public sealed record TransferFee(ulong Epoch, ulong MaximumFee, ushort BasisPoints);
