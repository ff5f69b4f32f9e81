using Bourse.Functions;
using Bourse.Indexer;
using Bourse.LocalHost;
using Bourse.LocalHost.Hosting;

var apps = new FunctionApp[]
{
    new(FunctionsApp.Name, typeof(FunctionsApp).Assembly, (services, configuration) => services.AddFunctionsApp(configuration)),
    new(IndexerApp.Name, typeof(IndexerApp).Assembly, (services, configuration) => services.AddIndexerApp(configuration)),
};
await LocalFunctionsHost.Build(args, apps).RunAsync();
