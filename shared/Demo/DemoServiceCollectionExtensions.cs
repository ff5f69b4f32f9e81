using Bourse.Demo;
using Bourse.Settlement;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class DemoServiceCollectionExtensions
{
    /// <summary>The x402 live demo (section <c>X402Demo</c>, validated at start-up): its payer and its limits. Needs storage, the Solana RPC and the x402 options.</summary>
    public static IServiceCollection AddX402Demo(this IServiceCollection services)
    {
        services.AddOptions<X402DemoOptions>()
            .BindConfiguration(X402DemoOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => new TreasuryOptions { Keypair = o.PayerKeypair }.HasValidKeypair(), "X402Demo:PayerKeypair is not a Solana keypair (a JSON array of 64 numbers, or base58 of the 64 bytes).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSolanaRpc();
        services.AddHttpClient<X402DemoPayer>(http => http.Timeout = TimeSpan.FromSeconds(90))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        services.TryAddSingleton<X402DemoLimits>();
        return services;
    }
}
