using Azure.Data.Tables;
using Bourse.Settlement;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Settlement;

/// <summary>Finds an event in the stack's settlement ledger (a scan of one model's day of pages), polling while the queue drains.</summary>
internal static class PostedEvents
{
    private static readonly TableServiceClient Tables = new(LocalStack.Instance.Storage);
    private static readonly SettlementLedger Ledger = new(Tables, new VaultPayables(Tables));

    /// <summary>The event of <paramref name="model"/> that <paramref name="match"/> accepts, posted today or yesterday (UTC), or null after the wait.</summary>
    public static async Task<PostedEvent?> FindAsync(string model, Func<SettlementPosting, bool> match, int tries = 150)
    {
        for (var i = 0; i < tries; i++)
        {
            var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
            foreach (var day in new[] { today, today.AddDays(-1) })
            {
                if (await Ledger.FindAsync(model, day, match, CancellationToken.None) is { } found)
                {
                    return found;
                }
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>The legs as the old per-event rows wrote them, <c>debit&gt;credit:amount;...</c>, for assertions.</summary>
    public static string Legs(this SettlementPosting posting) =>
        string.Join(';', posting.Legs.Select(l => $"{l.Debit}>{l.Credit}:{l.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
}
