using Bourse.Solana;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc.Models;

namespace Bourse.Deposits;

/// <summary>
/// Validates a landed transaction as a Solana Pay payment (after @solana/pay's <c>validateTransfer</c>):
/// it succeeded, carries the reference among its accounts, transfers the expected mint (Token or
/// Token-2022 <c>Transfer</c>/<c>TransferChecked</c>) into the recipient's associated token account, and
/// what arrived is that account's token-balance change for the mint (no pre balance: created in the same
/// transaction, so 0).
/// </summary>
public static class TransferCheck
{
    private const byte Transfer = 3;
    private const byte TransferChecked = 12;

    public static (long Amount, DepositRejection Rejection) Validate(TransactionDetails transaction, PublicKey recipient, PublicKey mint, PublicKey reference)
    {
        if (transaction.Meta is not { } meta || transaction.RawTransaction is not { } raw)
        {
            return (0, DepositRejection.Unreadable);
        }

        if (meta.Err is { ValueKind: not System.Text.Json.JsonValueKind.Null })
        {
            return (0, DepositRejection.Failed);
        }

        Message message;
        try
        {
            message = Transaction.Deserialize(raw).Message;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return (0, DepositRejection.Unreadable);
        }

        var keys = message.AccountKeys;
        if (!keys.Contains(reference))
        {
            return (0, DepositRejection.MissingReference);
        }

        var destination = PublicKey.FindAssociatedTokenAddress(recipient, mint, ProgramIds.Token);
        var rejection = DepositRejection.NoTransfer;
        var found = false;
        foreach (var instruction in message.Instructions)
        {
            if (instruction.ProgramIdIndex >= keys.Count || instruction.Data.Length == 0)
            {
                continue;
            }

            var program = keys[instruction.ProgramIdIndex];
            if (program != ProgramIds.Token && program != ProgramIds.Token2022)
            {
                continue;
            }

            var (mintIndex, destinationIndex) = instruction.Data[0] switch
            {
                TransferChecked when instruction.AccountIndexes.Length >= 4 => ((int)instruction.AccountIndexes[1], (int)instruction.AccountIndexes[2]),
                Transfer when instruction.AccountIndexes.Length >= 3 => (-1, (int)instruction.AccountIndexes[1]),
                _ => (-2, -1),
            };
            if (mintIndex == -2 || destinationIndex >= keys.Count || mintIndex >= keys.Count)
            {
                continue;
            }

            if (mintIndex >= 0 && keys[mintIndex] != mint)
            {
                rejection = DepositRejection.WrongMint;
                continue;
            }

            if (keys[destinationIndex] != destination)
            {
                rejection = rejection == DepositRejection.WrongMint ? rejection : DepositRejection.WrongRecipient;
                continue;
            }

            found = true;
        }

        if (!found)
        {
            return (0, rejection);
        }

        var index = IndexOf(keys, destination);
        var text = mint.ToString();
        var pre = Balance(meta.PreTokenBalances, index, text);
        var post = Balance(meta.PostTokenBalances, index, text);
        return post > pre ? ((long)(post - pre), DepositRejection.None) : (0, DepositRejection.NothingArrived);
    }

    private static int IndexOf(IReadOnlyList<PublicKey> keys, PublicKey key)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }

        return -1;
    }

    private static ulong Balance(IReadOnlyList<TokenBalance>? balances, int accountIndex, string mint) =>
        balances?.FirstOrDefault(b => b.AccountIndex == accountIndex && b.Mint == mint)?.UiTokenAmount.RawAmount ?? 0;
}
