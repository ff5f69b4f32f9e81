using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Bourse.Quasar;

using Bourse.Storage;

namespace Bourse.ChainIndex;

/// <summary>
/// How the program's accounts are stored in <c>ProgramAccounts</c>: packed, not one row per account (Table storage
/// writes a few hundred to a few thousand rows a second, so one row per account cannot keep up with a program of
/// 100,000 accounts). Partition = the IDL account type; each row is one shard of that type's addresses (the shard
/// from a hash of the address), row key <c>{shardCount:D5}-{shard:D5}</c>. A row holds its accounts, sorted by
/// address, as a JSON array of <c>{"address","size","fields":{…}}</c> (field values as <see cref="ProgramAccountColumns.Json"/>
/// writes them: integers as numbers, keys base58, bytes base64, enums by variant name) split over <c>Accounts0</c>,
/// <c>Accounts1</c>… columns of at most 30,000 characters (the 64 KiB property limit), plus <c>Count</c>,
/// <c>AccountSlot</c> and the shard's content hash (<see cref="ChangeCache.HashColumn"/>, over the raw account data,
/// so it is known before anything is decoded). The shard count is sized from the type's accounts so that a row
/// stays near <see cref="TargetChars"/> characters, far below the 1 MiB entity limit; it changes only when the type
/// outgrows it (or shrinks to a quarter), and rows of another shard count are then deleted.
/// </summary>
public static class ProgramAccountShards
{
    public const string CountColumn = "Count";
    public const string SlotColumn = "AccountSlot";
    public const string ChunkPrefix = "Accounts";

    /// <summary>What a shard row is sized for (characters of JSON): a quarter of the 1 MiB entity limit in UTF-16.</summary>
    public const int TargetChars = 120_000;

    /// <summary>A row beyond this (≈ 900 KiB in UTF-16) is refused rather than failing at the service.</summary>
    public const int MaxChars = 450_000;

    /// <summary>The row key of shard <paramref name="shard"/> of <paramref name="shardCount"/>.</summary>
    public static string RowKey(int shardCount, int shard) =>
        shardCount.ToString("D5", CultureInfo.InvariantCulture) + "-" + shard.ToString("D5", CultureInfo.InvariantCulture);

    /// <summary>The shard count a row key names; null for a key of another form.</summary>
    public static int? ShardCountOf(string rowKey) =>
        rowKey.Length == 11 && rowKey[5] == '-' && int.TryParse(rowKey.AsSpan(0, 5), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;

    /// <summary>The shard an address falls in: FNV-1a of its base58 text, modulo the shard count.</summary>
    public static int ShardOf(string address, int shardCount)
    {
        var hash = 2166136261u;
        foreach (var c in address)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }

    /// <summary>
    /// The shard count for a type with <paramref name="accounts"/> accounts of <paramref name="dataBytes"/> bytes in all:
    /// the power of two that keeps a row near <see cref="TargetChars"/> (JSON is estimated at 3 characters a data byte,
    /// plus the field names and the address per account). <paramref name="current"/> (the count in use, 0 if none) is
    /// kept while it is neither too small nor more than four times too large, so a type does not reshard back and forth.
    /// </summary>
    public static int ShardCount(IdlAccount type, int accounts, long dataBytes, int current)
    {
        var perAccount = 80 + type.Layout.Fields.Sum(f => f.Name.Length + 4);
        var estimate = (3 * dataBytes) + ((long)accounts * perAccount);
        var desired = 1;
        while ((long)desired * TargetChars < estimate && desired < 65_536)
        {
            desired *= 2;
        }

        return current >= desired && current <= desired * 4 ? current : desired;
    }

    /// <summary>The content hash of a shard: over its accounts' addresses and raw data, in address order.</summary>
    public static string Hash(IReadOnlyList<(string Address, byte[] Data)> accounts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var (address, data) in accounts)
        {
            sha.AppendData(Encoding.ASCII.GetBytes(address));
            BitConverter.TryWriteBytes(length, data.Length);
            sha.AppendData(length);
            sha.AppendData(data);
        }

        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return Convert.ToHexString(digest[..16]);
    }

    /// <summary>A shard row of decoded accounts (in address order).</summary>
    public static TableEntity ToEntity(string accountType, string rowKey, IReadOnlyList<(string Address, int Size, QuasarRecord Record)> accounts, long slot, string hash)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var (address, size, record) in accounts)
            {
                writer.WriteStartObject();
                writer.WriteString("address", address);
                writer.WriteNumber("size", size);
                writer.WritePropertyName("fields");
                ProgramAccountColumns.Write(writer, record);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        var json = Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
        if (json.Length > MaxChars)
        {
            throw new InvalidOperationException($"Shard {rowKey} of {accountType} would hold {json.Length} characters of JSON (at most {MaxChars}): the shard count is too small for these accounts.");
        }

        var entity = new TableEntity(accountType, rowKey)
        {
            [CountColumn] = accounts.Count,
            [SlotColumn] = slot,
            [ChangeCache.HashColumn] = hash,
        };
        ChunkedText.Write(entity, ChunkPrefix, json);

        return entity;
    }

    /// <summary>The accounts a shard row holds.</summary>
    public static IReadOnlyList<StoredProgramAccount> Read(TableEntity row)
    {
        var json = ChunkedText.Read(row, ChunkPrefix);
        if (json.Length == 0)
        {
            return [];
        }

        var slot = row.GetInt64(SlotColumn) ?? 0;
        using var document = JsonDocument.Parse(json);
        var accounts = new List<StoredProgramAccount>(document.RootElement.GetArrayLength());
        foreach (var account in document.RootElement.EnumerateArray())
        {
            accounts.Add(new StoredProgramAccount(
                row.PartitionKey,
                account.GetProperty("address").GetString()!,
                slot,
                account.GetProperty("size").GetInt32(),
                account.GetProperty("fields").Clone()));
        }

        return accounts;
    }
}
