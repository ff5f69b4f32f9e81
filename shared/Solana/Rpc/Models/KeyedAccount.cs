namespace Bourse.Solana.Rpc.Models;

public sealed record KeyedAccount(string Pubkey, AccountInfo Account);
