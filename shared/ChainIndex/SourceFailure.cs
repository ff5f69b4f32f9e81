using System.Text.Json;

namespace Bourse.ChainIndex;

/// <summary>What stops one source for a cycle (the others run on): storage or RPC failing, or data from the chain this code cannot read.</summary>
internal static class SourceFailure
{
    public static bool IsSourceFailure(Exception e) => e is Azure.RequestFailedException or HttpRequestException or RpcFailureException
        or FormatException or OverflowException or InvalidOperationException or KeyNotFoundException or JsonException or TimeoutException;
}
