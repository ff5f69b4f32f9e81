using System.Text.Json.Serialization;

namespace Bourse.Solana.Rpc.Models;

/// <summary>An account as the node returns it (base64 data decoded).</summary>
public sealed record AccountInfo(
    ulong Lamports,
    string Owner,
    [property: JsonConverter(typeof(AccountDataConverter))] byte[] Data,
    bool Executable,
    ulong RentEpoch,
    ulong? Space);
