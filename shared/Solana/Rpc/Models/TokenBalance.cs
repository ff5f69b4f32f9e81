namespace Bourse.Solana.Rpc.Models;

/// <summary>A token balance before or after a transaction; <see cref="AccountIndex"/> counts static keys, then loaded ones.</summary>
public sealed record TokenBalance(int AccountIndex, string Mint, string? Owner, string? ProgramId, TokenAmount UiTokenAmount);
