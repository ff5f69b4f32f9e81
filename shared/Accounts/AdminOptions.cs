using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.Accounts;

/// <summary>The operator's bearer token for the <c>/api/admin</c> routes (section <c>Admin</c>).</summary>
[AppScope("functions")]
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    [Required]
    [MinLength(32)]
    [Secret]
    public string Token { get; init; } = "";
}
