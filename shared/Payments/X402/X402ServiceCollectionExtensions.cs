using Bourse.Storage;
using Bourse.Payments.X402;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class X402ServiceCollectionExtensions
{
    /// <summary>
    /// The x402 rail (section <c>X402</c>, validated at start-up): facilitator client, fee payer cache,
    /// requirement builder, verifier, ledger, reconciler and <see cref="X402Rail"/>. Needs storage and
    /// the Solana RPC (section <c>Solana</c>) for reconciliation.
    /// </summary>
    public static IServiceCollection AddX402(this IServiceCollection services)
    {
        services.AddOptions<X402Options>()
            .BindConfiguration(X402Options.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.PayAiKeyId is null == o.PayAiKeySecret is null, "Set both X402:PayAiKeyId and X402:PayAiKeySecret, or neither.")
            .Validate(o => o.PayAiKeySecret is null || PayAiJwt.IsValidSecret(o.PayAiKeySecret), "X402:PayAiKeySecret is not a payai_sk_ base64 PKCS#8 Ed25519 key.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSolanaRpc();
        services.AddHttpClient(nameof(FacilitatorClient))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
                UseCookies = false,
            });
        // One facilitator client and fee payer cache for the app: the cache must outlive requests.
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<FacilitatorClient>(
            sp, sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(FacilitatorClient))));
        services.TryAddSingleton<FeePayerCache>();
        services.TryAddSingleton<RequirementBuilder>();
        services.TryAddSingleton<PaymentVerifier>();
        services.TryAddSingleton<DueIndex>();
        services.TryAddSingleton<PaymentLedger>();
        services.TryAddSingleton<SettlementReconciler>();
        services.TryAddSingleton<X402Rail>();
        return services;
    }
}
