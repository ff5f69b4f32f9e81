using System.Buffers.Binary;
using System.Text.Json;
using Bourse.Quasar;
using Bourse.Solana.Programs;
using Bourse.Solana.Rpc.Models;
using SimpleBase;

namespace Bourse.ChainIndex;

/// <summary>
/// The facts one landed transaction holds about one watched address: token transfers into and out of a vault,
/// burns and mints of a listing's token (top-level and inner instructions of the Token and Token-2022 programs),
/// and the program's events, from "Program data:" log lines (attributed by the invoke stack) and from emit_cpi
/// inner instructions (<c>0xFF ‖ disc ‖ fields</c>). A failed transaction holds none.
/// </summary>
public static class TransactionFacts
{
    private const string ProgramDataPrefix = "Program data: ";

    public static IReadOnlyList<ChainFact> Extract(
        TransactionDetails transaction, string signature, WatchedAddress watch, QuasarIdl idl, IReadOnlyDictionary<string, ChainListing> listingsByAddress)
    {
        if (transaction.Meta is not { } meta || meta.Err is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined })
        {
            return [];
        }

        var keys = AccountKeys(transaction, meta);
        var blockTime = transaction.BlockTime is { } t ? DateTimeOffset.FromUnixTimeSeconds(t) : (DateTimeOffset?)null;
        var slot = (long)transaction.Slot;
        var facts = new List<ChainFact>();
        var programId = idl.ProgramId.ToString();
        foreach (var ix in Instructions(transaction, meta, keys))
        {
            if (watch.Kind == WatchKind.Program)
            {
                if (ix.Program == programId && ix.Data.Length > 1 && ix.Data[0] == 0xFF && idl.DecodeEvent(ix.Data.AsSpan(1)) is { } cpiEvent)
                {
                    facts.Add(EventFact(cpiEvent, signature, ix.Index, slot, blockTime, programId, listingsByAddress));
                }

                continue;
            }

            if (ix.Program != ProgramIds.Token.ToString() && ix.Program != ProgramIds.Token2022.ToString())
            {
                continue;
            }

            if (TokenMovement(ix) is not { } move)
            {
                continue;
            }

            var listing = watch.Listing!;
            switch (watch.Kind)
            {
                case WatchKind.Vault when move.Kind == MoveKind.Transfer && move.Destination == watch.Address:
                    facts.Add(new ChainFact(listing.Mint, signature, ix.Index, ChainFactKind.Revenue, listing.ModelId, checked((long)move.Amount), watch.Address, move.Authority, null, null, slot, blockTime));
                    break;
                case WatchKind.Vault when move.Kind == MoveKind.Transfer && move.Source == watch.Address:
                    facts.Add(new ChainFact(listing.Mint, signature, ix.Index, ChainFactKind.Buyback, listing.ModelId, checked((long)move.Amount), watch.Address, move.Destination, null, null, slot, blockTime));
                    break;
                case WatchKind.Mint when move.Kind == MoveKind.Burn && move.Mint == watch.Address:
                    facts.Add(new ChainFact(listing.Mint, signature, ix.Index, ChainFactKind.Burn, listing.ModelId, checked((long)move.Amount), move.Source, move.Authority, null, null, slot, blockTime));
                    break;
                case WatchKind.Mint when move.Kind == MoveKind.MintTo && move.Mint == watch.Address:
                    facts.Add(new ChainFact(listing.Mint, signature, ix.Index, ChainFactKind.Mint, listing.ModelId, checked((long)move.Amount), move.Destination, move.Authority, null, null, slot, blockTime));
                    break;
            }
        }

        if (watch.Kind == WatchKind.Program)
        {
            facts.AddRange(LogEvents(meta.LogMessages ?? [], programId, idl, signature, slot, blockTime, listingsByAddress));
        }

        return facts;
    }

    /// <summary>Events in "Program data:" lines written while the program itself is executing; index <c>e{instruction}.{n}</c>.</summary>
    internal static IEnumerable<ChainFact> LogEvents(
        IReadOnlyList<string> logs, string programId, QuasarIdl idl, string signature, long slot, DateTimeOffset? blockTime, IReadOnlyDictionary<string, ChainListing> listings)
    {
        var stack = new Stack<string>();
        var instruction = -1;
        var ordinal = 0;
        foreach (var line in logs)
        {
            if (line.StartsWith("Program ", StringComparison.Ordinal) && line.Contains(" invoke [", StringComparison.Ordinal))
            {
                var id = line["Program ".Length..line.IndexOf(' ', "Program ".Length)];
                if (stack.Count == 0)
                {
                    instruction++;
                    ordinal = 0;
                }

                stack.Push(id);
            }
            else if (line.StartsWith("Program ", StringComparison.Ordinal) && (line.EndsWith(" success", StringComparison.Ordinal) || line.Contains(" failed", StringComparison.Ordinal)))
            {
                if (stack.Count > 0)
                {
                    stack.Pop();
                }
            }
            else if (line.StartsWith(ProgramDataPrefix, StringComparison.Ordinal) && stack.TryPeek(out var current) && current == programId)
            {
                foreach (var chunk in line[ProgramDataPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    byte[] data;
                    try
                    {
                        data = Convert.FromBase64String(chunk);
                    }
                    catch (FormatException)
                    {
                        continue;
                    }

                    if (idl.DecodeEvent(data) is { } decoded)
                    {
                        yield return EventFact(decoded, signature, $"e{instruction}.{ordinal++}", slot, blockTime, programId, listings);
                    }
                }
            }
        }
    }

    private static ChainFact EventFact(QuasarRecord e, string signature, string index, long slot, DateTimeOffset? blockTime, string programId, IReadOnlyDictionary<string, ChainListing> listings)
    {
        // The event's partition: the listing's mint when the event names its listing (or mint); else the program.
        ChainListing? listing = null;
        if (e.TryGet("listing", out var l) && l is not null && listings.TryGetValue(l.ToString()!, out var byListing))
        {
            listing = byListing;
        }

        var mint = listing?.Mint ?? (e.TryGet("mint", out var m) && m is not null ? m.ToString()! : programId);
        var amount = e.TryGet("amount", out var a) && a is ulong u && u <= long.MaxValue ? (long)u : 0;
        return new ChainFact(mint, signature, index, ChainFactKind.Event, listing?.ModelId ?? "", amount, null, null, e.TypeName, ProgramAccountColumns.Json(e), slot, blockTime);
    }

    private static List<string> AccountKeys(TransactionDetails transaction, TransactionMeta meta)
    {
        var keys = new List<string>();
        if (transaction.Transaction.ValueKind == JsonValueKind.Object
            && transaction.Transaction.TryGetProperty("message", out var message)
            && message.TryGetProperty("accountKeys", out var accountKeys))
        {
            foreach (var key in accountKeys.EnumerateArray())
            {
                keys.Add(key.ValueKind == JsonValueKind.String ? key.GetString()! : key.GetProperty("pubkey").GetString()!);
            }
        }

        if (meta.LoadedAddresses is { ValueKind: JsonValueKind.Object } loaded)
        {
            foreach (var part in new[] { "writable", "readonly" })
            {
                if (loaded.TryGetProperty(part, out var list))
                {
                    keys.AddRange(list.EnumerateArray().Select(k => k.GetString()!));
                }
            }
        }

        return keys;
    }

    private static IEnumerable<Instruction> Instructions(TransactionDetails transaction, TransactionMeta meta, List<string> keys)
    {
        var outer = transaction.Transaction.GetProperty("message").GetProperty("instructions");
        var inner = new Dictionary<int, JsonElement>();
        if (meta.InnerInstructions is { ValueKind: JsonValueKind.Array } sets)
        {
            foreach (var set in sets.EnumerateArray())
            {
                inner[set.GetProperty("index").GetInt32()] = set.GetProperty("instructions");
            }
        }

        var i = 0;
        foreach (var ix in outer.EnumerateArray())
        {
            yield return Read(ix, keys, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (inner.TryGetValue(i, out var list))
            {
                var j = 0;
                foreach (var innerIx in list.EnumerateArray())
                {
                    yield return Read(innerIx, keys, $"{i}.{j++}");
                }
            }

            i++;
        }
    }

    private static Instruction Read(JsonElement ix, List<string> keys, string index)
    {
        var program = keys[ix.GetProperty("programIdIndex").GetInt32()];
        var accounts = ix.GetProperty("accounts").EnumerateArray().Select(a => keys[a.GetInt32()]).ToArray();
        var data = Base58.Bitcoin.Decode(ix.GetProperty("data").GetString() ?? "");
        return new Instruction(index, program, accounts, data);
    }

    /// <summary>A Token / Token-2022 instruction that moves tokens, or null.</summary>
    private static Movement? TokenMovement(Instruction ix)
    {
        var d = ix.Data;
        var a = ix.Accounts;
        if (d.Length == 0)
        {
            return null;
        }

        ulong Amount(int at) => d.Length >= at + 8 ? BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(at)) : 0;
        return d[0] switch
        {
            3 when a.Length >= 3 => new Movement(MoveKind.Transfer, a[0], a[1], null, a[2], Amount(1)),
            12 when a.Length >= 4 => new Movement(MoveKind.Transfer, a[0], a[2], a[1], a[3], Amount(1)),
            26 when d.Length > 1 && d[1] == 1 && a.Length >= 4 => new Movement(MoveKind.Transfer, a[0], a[2], a[1], a[3], Amount(2)),
            8 or 15 when a.Length >= 3 => new Movement(MoveKind.Burn, a[0], null, a[1], a[2], Amount(1)),
            7 or 14 when a.Length >= 3 => new Movement(MoveKind.MintTo, null, a[1], a[0], a[2], Amount(1)),
            _ => null,
        };
    }

    private sealed record Instruction(string Index, string Program, string[] Accounts, byte[] Data);

    private sealed record Movement(MoveKind Kind, string? Source, string? Destination, string? Mint, string Authority, ulong Amount);

    private enum MoveKind
    {
        Transfer,
        Burn,
        MintTo,
    }
}
