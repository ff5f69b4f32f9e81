using System.Text.Json;

namespace Bourse.Solana.Rpc;

/// <summary>Maps a JSON-RPC error object to an <see cref="RpcError"/> (codes from agave's rpc-client-api).</summary>
internal static class RpcErrors
{
    public static RpcError FromJson(JsonElement error)
    {
        var code = error.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
        var message = error.TryGetProperty("message", out var m) ? m.GetString() ?? string.Empty : string.Empty;
        var data = error.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : (JsonElement?)null;
        JsonElement? transactionError = data is { } dd && dd.TryGetProperty("err", out var e) && e.ValueKind != JsonValueKind.Null ? e.Clone() : null;
        var logs = data is { } ld && ld.TryGetProperty("logs", out var l) && l.ValueKind == JsonValueKind.Array
            ? l.EnumerateArray().Select(x => x.GetString() ?? string.Empty).ToArray()
            : [];
        var kind = (code, Named(transactionError)) switch
        {
            (_, "BlockhashNotFound") => RpcErrorKind.BlockhashNotFound,
            (_, "AlreadyProcessed") => RpcErrorKind.AlreadyProcessed,
            (-32002, _) => RpcErrorKind.PreflightFailed,
            (-32003, _) => RpcErrorKind.SignatureVerificationFailed,
            (-32005 or -32004 or -32001, _) => RpcErrorKind.Unavailable,
            (-32600 or -32601 or -32602 or -32015, _) => RpcErrorKind.InvalidRequest,
            (429, _) => RpcErrorKind.RateLimited,
            _ => RpcErrorKind.Other,
        };
        return new RpcError(kind, code, message, logs, transactionError);
    }

    private static string? Named(JsonElement? transactionError) =>
        transactionError is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
}
