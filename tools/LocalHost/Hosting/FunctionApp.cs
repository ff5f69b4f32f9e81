using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bourse.LocalHost.Hosting;

/// <summary>
/// One Functions app to host: its assembly (where the <c>[Function]</c> methods are) and the same
/// service registration its <c>Program.cs</c> calls in Azure.
/// </summary>
public sealed record FunctionApp(string Name, Assembly Assembly, Action<IServiceCollection, IConfiguration> ConfigureServices);
