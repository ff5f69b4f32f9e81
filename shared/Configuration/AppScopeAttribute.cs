namespace Bourse.Configuration;

/// <summary>
/// Options in <c>shared/</c> that only some apps bind (e.g. <c>"functions"</c>): the deployment test
/// then requires their settings on those apps only.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AppScopeAttribute(params string[] apps) : Attribute
{
    public IReadOnlyList<string> Apps { get; } = apps;
}
