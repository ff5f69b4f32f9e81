using Microsoft.Playwright;

namespace Bourse.Tests.Pages;

/// <summary>A page of its own browser context, with every console error and uncaught exception it raised.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    public BrowserPage(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add("uncaught: " + error);
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>
    /// Asserts the page logged no error. <paramref name="expectedStatuses"/> are HTTP statuses the test
    /// provoked on purpose (Chromium logs each failed fetch as "Failed to load resource: … status of N").
    /// </summary>
    public void AssertNoConsoleErrors(params int[] expectedStatuses)
    {
        List<string> errors;
        lock (_errors)
        {
            errors = [.. _errors.Where(e => !expectedStatuses.Any(s => e.Contains($"status of {s} ", StringComparison.Ordinal)))];
        }

        Assert.True(errors.Count == 0, "Console errors:\n" + string.Join('\n', errors));
    }

    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(BrowserFixture.ScreenshotDirectory);
        var path = Path.Combine(BrowserFixture.ScreenshotDirectory, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"{path} is empty");
    }

    /// <summary>Whether the document is wider than the viewport (a page that scrolls sideways at phone width).</summary>
    public async Task<bool> OverflowsHorizontallyAsync() =>
        await Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
