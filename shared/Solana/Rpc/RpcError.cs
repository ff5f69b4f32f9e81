using System.Text.Json;

namespace Bourse.Solana.Rpc;

/// <param name="Code">The JSON-RPC error code, or the HTTP status when the node never answered in JSON-RPC.</param>
/// <param name="TransactionError">Solana's own error value, e.g. <c>{"InstructionError":[0,{"Custom":1}]}</c>.</param>
public sealed record RpcError(RpcErrorKind Kind, int Code, string Message, IReadOnlyList<string> Logs, JsonElement? TransactionError = null)
{
    public static RpcError Unavailable(string message) => new(RpcErrorKind.Unavailable, 0, message, []);
}
