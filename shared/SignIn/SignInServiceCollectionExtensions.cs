using Bourse.SignIn;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class SignInServiceCollectionExtensions
{
    /// <summary>Sign-In-With-Solana (section <c>SignIn</c>): challenges, wallet sessions, admin wallets.</summary>
    public static IServiceCollection AddBourseSignIn(this IServiceCollection services)
    {
        services.AddOptions<SignInOptions>()
            .BindConfiguration(SignInOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.AdminWalletList().All(w => Bourse.Solana.PublicKey.TryParse(w, out _)), "SignIn:AdminWallets must be base58 Solana addresses.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WalletSignIn>();
        services.TryAddSingleton<Bourse.Accounts.OwnerAuthenticator>();
        return services;
    }
}
