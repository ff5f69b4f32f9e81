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
}
