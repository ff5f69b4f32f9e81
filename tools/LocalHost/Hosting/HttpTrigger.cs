namespace Bourse.LocalHost.Hosting;

/// <param name="Route">The route as declared, without the host's prefix; the function name when none is declared.</param>
/// <param name="Methods">Upper-case HTTP methods; empty means every method.</param>
public sealed record HttpTrigger(string ParameterName, string Route, IReadOnlyList<string> Methods, string AuthLevel)
    : FunctionTrigger(ParameterName);
