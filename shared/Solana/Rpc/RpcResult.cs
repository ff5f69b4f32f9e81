using System.Diagnostics.CodeAnalysis;

namespace Bourse.Solana.Rpc;

/// <summary>A value or an <see cref="RpcError"/>. A null value with no error is a real answer (e.g. no such account).</summary>
public readonly record struct RpcResult<T>(T? Value, RpcError? Error)
{
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    public static implicit operator RpcResult<T>(RpcError error) => new(default, error);

    public T GetValueOrThrow() => IsSuccess
        ? Value!
        : throw new InvalidOperationException($"Solana RPC failed: {Error.Kind} {Error.Code} {Error.Message}");
}
