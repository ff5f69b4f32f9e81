using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Demo;

/// <summary>
/// The live demo of <c>/docs/x402</c> (section <c>X402Demo</c>): a server-funded wallet pays real x402
/// calls on the app's own rail. Off unless <see cref="PayerKeypair"/> is set.
/// </summary>
[AppScope("functions")]
public sealed class X402DemoOptions
{
    public const string SectionName = "X402Demo";

    /// <summary>
    /// The demo wallet: the Solana CLI's keypair file content (a JSON array of 64 bytes) or base58 of the
    /// 64 bytes. It holds USDC (and pays no SOL: the facilitator pays the fee). A secret: Key Vault.
    /// </summary>
    [Secret]
    public string? PayerKeypair { get; init; }

    /// <summary>The model called when the page names none.</summary>
    [MinLength(1)]
    public string DefaultModel { get; init; } = "google/gemma-3-27b-it";

    [StringLength(500, MinimumLength = 1)]
    public string Prompt { get; init; } = "In one sentence: what is the x402 payment protocol?";

    [Range(1, 1024)]
    public int MaxTokens { get; init; } = 64;

    /// <summary>The most one demo call may pay (micro-USDC); a dearer quote is refused, not paid.</summary>
    [Range(1, 1_000_000)]
    public long MaxPricePerCall { get; init; } = 100_000;

    /// <summary>Paid demo calls per client address per <see cref="ClientWindow"/>.</summary>
    [Range(1, 10_000)]
    public int CallsPerClient { get; init; } = 5;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ClientWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Paid demo calls per UTC day across every instance (a durable counter).</summary>
    [Range(1, 1_000_000)]
    public int CallsPerDay { get; init; } = 200;

    /// <summary>The rail's URL; by default the app's own <c>/api/x402/v1/chat/completions</c> on the request's origin.</summary>
    public Uri? RailUrl { get; init; }

    public bool IsEnabled => !string.IsNullOrWhiteSpace(PayerKeypair);
}
