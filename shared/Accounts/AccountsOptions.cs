using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Accounts;

/// <summary>API keys and prepaid credits (section <c>Accounts</c>).</summary>
[AppScope("functions")]
public sealed class AccountsOptions
{
    public const string SectionName = "Accounts";

    /// <summary>The HMAC key API keys are hashed with before they are stored. A secret.</summary>
    [Required]
    [MinLength(32)]
    [Secret]
    public string KeyPepper { get; init; } = "";

    /// <summary>How long a hold may stay pending before the expiry job releases it.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan HoldLifetime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a router instance's lease on an account lives without a sync (every sync pushes it on). A
    /// crashed instance's lease is released by the janitor this long after its last sync; the instance
    /// itself stops admitting against it a quarter of this before it ends.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:10:00")]
    public TimeSpan LeaseLifetime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often buffered charges are committed (the most a crash of one instance can leave unbilled).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Before its stored expiry, an instance stops admitting against a lease it could not renew (clock skew, a slow store).</summary>
    public TimeSpan LeaseMargin => LeaseLifetime / 4;
}
