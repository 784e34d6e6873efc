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

    /// <summary>A fresh browser profile signed in as the test Admin, in light mode at a desktop size.</summary>
    /// <param name="timeZoneId">The browser's time zone (an IANA name); the machine's when null.</param>
    public async Task<IPage> NewPageAsync(string? timeZoneId = null)
    {
        // Signed in once per app; later profiles start from that cookie.
        _adminState ??= await SignInStateAsync(TestApp.AdminUser, TestApp.AdminPassword);
        return await NewContextPageAsync(_adminState, timeZoneId);
    }

    /// <summary>A fresh browser profile signed in as this user.</summary>
    public async Task<IPage> NewPageAsync(string userName, string password) => await NewContextPageAsync(await SignInStateAsync(userName, password));

    /// <summary>A fresh browser profile with no cookies: not signed in.</summary>
    public Task<IPage> NewAnonymousPageAsync() => NewContextPageAsync(null);

    /// <summary>Signs in through the real sign-in form and waits for the dashboard.</summary>
    public static async Task SignInAsync(IPage page, string userName, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#username", userName);
        await page.FillAsync("#password", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    private string? _adminState;

    private async Task<string> SignInStateAsync(string userName, string password)
    {
        var page = await NewContextPageAsync(null);
        await SignInAsync(page, userName, password);
        var state = await page.Context.StorageStateAsync();
        await page.Context.CloseAsync();
        return state;
    }

    private async Task<IPage> NewContextPageAsync(string? storageState, string? timeZoneId = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = App.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1000 },
            ColorScheme = ColorScheme.Light,
            StorageState = storageState,
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
