namespace Bourse.Functions.Pages;

/// <summary>The pages of the site: each has its body (<c>Pages/html</c>) and its script (<c>Pages/assets</c>).</summary>
public enum SitePage
{
    Market,
    Model,
    Apply,
    X402,
}
