using Azure.Data.Tables;
using Bourse.ChainIndex;
using Bourse.Quasar;
using Bourse.Solana;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class ChainIndexServiceCollectionExtensions
{
    /// <summary>The program's IDL (section <c>Indexer</c>: <c>ProgramId</c>, <c>IdlPath</c>) and the indexer over the chain index tables. Needs storage and Solana RPC.</summary>
    public static IServiceCollection AddChainIndex(this IServiceCollection services)
    {
        services.AddOptions<IndexerOptions>()
            .BindConfiguration(IndexerOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.ProgramId) || PublicKey.TryParse(o.ProgramId, out _), "Indexer:ProgramId is not a base58 address.")
            .Validate(o => string.IsNullOrEmpty(o.IdlPath) || File.Exists(o.IdlPath), "Indexer:IdlPath names no file.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<IndexerOptions>>().Value;
            var idl = string.IsNullOrEmpty(o.IdlPath) ? QuasarIdl.Default : QuasarIdl.Load(o.IdlPath);
            return string.IsNullOrEmpty(o.ProgramId) ? idl : idl.WithProgramId(PublicKey.Parse(o.ProgramId));
        });
        services.TryAddSingleton(sp => new ChainTables(sp.GetRequiredService<TableServiceClient>()));
        services.TryAddSingleton<ChangeCache>();
        services.TryAddSingleton<ProgramAccountSource>();
        services.TryAddSingleton<TokenStateSource>();
        services.TryAddSingleton<HistorySource>();
        services.TryAddSingleton<ChainIndexer>();
        return services;
    }
}
