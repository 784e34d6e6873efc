using Microsoft.Playwright;
using OrchestrationMaint.Tests;

namespace OrchestrationMaint.E2E;

/// <summary>The real app on Kestrel with its demo target, and the machine's Chromium driven by Playwright.</summary>
public sealed class BrowserApp : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public BrowserApp() : this(null)
    {
    }

    internal BrowserApp(IDictionary<string, string?>? settings) => App = new TestApp(settings);

    public TestApp App { get; }

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>Where screenshots go: $OM_TEST_RESULTS/screenshots, else tests/TestResults/screenshots.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var results = Environment.GetEnvironmentVariable("OM_TEST_RESULTS")
                ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "TestResults"));
            return Directory.CreateDirectory(Path.Combine(results, "screenshots")).FullName;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (tests/run.sh does so when run as root).");
        }

        // Start the app now: tests write to its demo target before opening a page.
        _ = App.BaseAddress;
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh browser profile (no cookies) in light mode at a desktop size.</summary>
    /// <param name="timeZoneId">The browser's time zone (an IANA name); the machine's when null.</param>
    public async Task<IPage> NewPageAsync(string? timeZoneId = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
            ColorScheme = ColorScheme.Light,
            TimezoneId = timeZoneId,
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    /// <summary>Blazor ignores clicks until its circuit is up; the layout marks that moment.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=app-shell][data-interactive=true]").WaitForAsync();

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await App.DisposeAsync();
    }
}
