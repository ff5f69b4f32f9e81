using Bourse.Functions;
using Bourse.Indexer;
using Bourse.LocalHost;
using Bourse.LocalHost.Hosting;
using Bourse.LocalHost.Seeding;

var apps = new FunctionApp[]
{
    new(FunctionsApp.Name, typeof(FunctionsApp).Assembly, (services, configuration) => services.AddFunctionsApp(configuration)),
    new(IndexerApp.Name, typeof(IndexerApp).Assembly, (services, configuration) => services.AddIndexerApp(configuration)),
};
var host = LocalFunctionsHost.Build(args, apps);
await ChainListingSeed.SeedAsync(host.Configuration, CancellationToken.None);
await host.RunAsync();
