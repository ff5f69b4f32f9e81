using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bourse.Payments.X402;

/// <summary>
/// The facilitator's fee payer for our network (<c>extra.feePayer</c>), from <c>/supported</c>, cached for
/// <see cref="X402Options.SupportedRefreshInterval"/> and dropped when the facilitator says a payment's fee
/// payer is not its own. A stale value is served while the facilitator cannot be reached.
/// </summary>
public sealed partial class FeePayerCache(FacilitatorClient facilitator, IOptions<X402Options> options, TimeProvider time, ILogger<FeePayerCache> logger) : IDisposable
{
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Entry? _current;

    /// <summary>The fee payer, or null when the facilitator has never answered and does not answer now.</summary>
    public async ValueTask<string?> GetAsync(CancellationToken cancellationToken = default)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.Expires)
        {
            return current.FeePayer;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            current = _current;
            if (current is not null && time.GetUtcNow() < current.Expires)
            {
                return current.FeePayer;
            }

            var supported = await facilitator.GetSupportedAsync(cancellationToken);
            var feePayer = supported.Value is { } value ? Select(value, options.Value.Network) : null;
            if (feePayer is null)
            {
                Log.NoFeePayer(logger, options.Value.Network, supported.Error);
                return current?.FeePayer;
            }

            _current = new Entry(feePayer, time.GetUtcNow() + options.Value.SupportedRefreshInterval);
            return feePayer;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Forget the cached fee payer (after <c>fee_payer_not_managed_by_facilitator</c>).</summary>
    public void Invalidate()
    {
        var current = _current;
        if (current is not null)
        {
            _current = current with { Expires = DateTimeOffset.MinValue };
        }
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>The v2 exact kind's fee payer for the network, else the first signer for <c>solana:*</c>.</summary>
    public static string? Select(SupportedResponse supported, string network)
    {
        foreach (var kind in supported.Kinds)
        {
            if (kind is { X402Version: 2, Scheme: RequirementBuilder.Scheme, Extra.FeePayer: { Length: > 0 } feePayer } && kind.Network == network)
            {
                return feePayer;
            }
        }

        if (supported.Signers is { } signers)
        {
            foreach (var pattern in (string[])[network, "solana:*"])
            {
                if (signers.TryGetValue(pattern, out var list) && list.Count > 0)
                {
                    return list[0];
                }
            }
        }

        return null;
    }

    private sealed record Entry(string FeePayer, DateTimeOffset Expires);

    private static partial class Log
    {
        [LoggerMessage(2010, LogLevel.Warning, "The facilitator names no fee payer for {Network} ({Error})")]
        public static partial void NoFeePayer(ILogger logger, string network, FacilitatorError error);
    }
}
