using Bourse.Functions;
using Bourse.Functions.Pages;
using Bourse.Indexer;
using Bourse.LocalHost.Hosting;
using Bourse.Tests.Infrastructure;

namespace Bourse.Tests.Pages;

/// <summary>
/// host.json's route prefix is empty so that the site lives at the root of the app's origin: then every
/// API route must say <c>api/</c> itself, and only the pages may live outside it.
/// </summary>
public sealed class RouteLayoutTests
{
    [Fact]
    public void HostJson_RoutePrefix_IsEmpty()
    {
        var settings = HostSettings.Load(Path.Combine(LocalStack.RepositoryRoot, "host.json"));

        Assert.Equal("", settings.RoutePrefix);
    }

    [Fact]
    public void HttpRoutes_OutsideApi_AreOnlyThePages()
    {
        var apps = new[]
        {
            new FunctionApp(FunctionsApp.Name, typeof(FunctionsApp).Assembly, (s, c) => s.AddFunctionsApp(c)),
            new FunctionApp(IndexerApp.Name, typeof(IndexerApp).Assembly, (s, c) => s.AddIndexerApp(c)),
        };
        var outside = FunctionCatalog.Read(apps)
            .Where(f => f.Trigger is HttpTrigger http && !http.Route.StartsWith("api/", StringComparison.Ordinal))
            .ToList();

        Assert.NotEmpty(outside);
        Assert.All(outside, f => Assert.Equal(typeof(PageFunctions), f.Method.DeclaringType));
    }
}
