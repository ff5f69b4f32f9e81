using Bourse.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Bourse.Tests.Pages;

/// <summary>
/// A real headless Chromium (Debian's <c>chromium</c>, which <c>./bourse test</c> installs; path in
/// <c>BOURSE_CHROMIUM</c>) driven by Playwright for .NET, against the running local stack. Screenshots
/// go under the test results (<c>BOURSE_TEST_RESULTS</c>/screenshots).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The app's origin: pages live at its root, the API under <c>/api</c>.</summary>
    public static string Origin { get; } = LocalStack.Instance.Api[..^"/api".Length];

    public static string ScreenshotDirectory { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("BOURSE_TEST_RESULTS") is { Length: > 0 } results
            ? results
            : Path.Combine(LocalStack.RepositoryRoot, ".bourse", "test-results"),
        "screenshots");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser did not start.");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("BOURSE_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"No Chromium at {executable}: ./bourse test installs Debian's chromium (apt-get install chromium).");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Root (CI) cannot use Chromium's sandbox; /dev/shm is small in containers.
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>A new page in its own context (en-US, so expected figures can be formatted here), recording console errors.</summary>
    /// <param name="clientAddress">Sent as X-Forwarded-For, so per-address limits of the API count this test apart.</param>
    public async Task<BrowserPage> OpenAsync(int width = 1280, int height = 900, string? clientAddress = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            Locale = "en-US",
            TimezoneId = "UTC",
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = Origin,
            ExtraHTTPHeaders = clientAddress is null ? null : new Dictionary<string, string> { ["X-Forwarded-For"] = clientAddress },
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        return new BrowserPage(context, page);
    }
}
