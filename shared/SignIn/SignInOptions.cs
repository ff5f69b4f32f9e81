using System.ComponentModel.DataAnnotations;
using Bourse.Configuration;

namespace Bourse.SignIn;

/// <summary>Sign-In-With-Solana (section <c>SignIn</c>): what the message says, how long a nonce and a session live, who is an admin.</summary>
[AppScope("functions")]
public sealed class SignInOptions
{
    public const string SectionName = "SignIn";

    /// <summary>The domain the wallet shows as asking (the web app's host).</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")]
    public string Domain { get; init; } = "localhost";

    /// <summary>The URI in the message (the web app's origin).</summary>
    [Required]
    public Uri Uri { get; init; } = new("http://localhost");

    public string Statement { get; init; } = "Sign in to Bourse. This costs nothing and sends no transaction.";

    /// <summary>The SIWS chain id: <c>mainnet</c>, <c>devnet</c>, <c>testnet</c> or <c>localnet</c>.</summary>
    [Required]
    [AllowedValues("mainnet", "devnet", "testnet", "localnet")]
    public string ChainId { get; init; } = "devnet";

    /// <summary>How long a challenge's nonce may be used (once).</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:30:00")]
    public TimeSpan ChallengeLifetime { get; init; } = TimeSpan.FromMinutes(5);

    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Wallets (base58, separated by commas or spaces) whose sessions may use the <c>/api/admin</c> routes.</summary>
    public string AdminWallets { get; init; } = "";

    public IReadOnlyList<string> AdminWalletList() => AdminWallets.Split([',', ' ', ';', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
